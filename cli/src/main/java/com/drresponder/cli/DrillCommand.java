package com.drresponder.cli;

import com.drresponder.common.Json;
import com.drresponder.playbook.RestoreRequest;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "drill", description = "Restore drill: restore to latest into a throwaway copy, verify, measure RTO, delete it (restore playbook, mode drill).")
final class DrillCommand implements Callable<Integer> {
    @ParentCommand Drctl cli;
    @Mixin RequestOptions request;
    @Mixin DatabaseOptions database;
    @Option(names = "--verify", description = "Verification checks, JSON or @file (see restore --verify).") String verify;

    @Override
    public Integer call() {
        ObjectNode detail = Json.object().put("mode", "drill");
        database.putInto(detail);
        RestoreCommand.putJson(detail, "verify", "--verify", verify);
        return request.send(cli, RestoreRequest.PLAYBOOK, detail, RestoreRequest::parse);
    }
}
