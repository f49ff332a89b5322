package com.drresponder.cli;

import com.drresponder.playbook.RestoreRequest;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "drill", description = "Restore drill: restore to latest into a throwaway copy, verify, measure RTO, delete it (restore playbook, mode drill).")
final class DrillCommand extends DatabaseCommand {
    @Option(names = "--verify", description = "Verification checks, JSON or @file (see restore --verify).") String verify;

    DrillCommand() {
        super(RestoreRequest.PLAYBOOK, RestoreRequest::parse);
    }

    @Override
    void putInto(ObjectNode detail) {
        detail.put("mode", "drill");
        RestoreCommand.putJson(detail, "verify", "--verify", verify);
    }
}
