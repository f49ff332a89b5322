package com.drresponder.cli;

import com.drresponder.common.Json;
import com.drresponder.playbook.RollbackRequest;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "rollback", description = "Roll a Lambda alias back to the last known-good version (playbook rollback-lambda-alias).")
final class RollbackCommand implements Callable<Integer> {
    @ParentCommand Drctl cli;
    @Mixin RequestOptions request;
    @Option(names = "--function", required = true, description = "Function name.") String function;
    @Option(names = "--alias", required = true, description = "Alias name, e.g. live.") String alias;
    @Option(names = "--to-version", description = "Version to roll back to (default: the last known-good one).") String toVersion;

    @Override
    public Integer call() {
        ObjectNode detail = Json.object().put("functionName", function).put("alias", alias);
        if (toVersion != null) {
            detail.put("targetVersion", toVersion);
        }
        return request.send(cli, RollbackRequest.PLAYBOOK, detail, RollbackRequest::parse);
    }
}
