package com.drresponder.cli;

import com.drresponder.common.Json;
import com.drresponder.playbook.RollbackRequest;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "rollback", description = "Roll a Lambda alias back to the last known-good version (playbook rollback-lambda-alias).")
final class RollbackCommand implements Callable<Integer> {
    @ParentCommand Drctl cli;
    @Option(names = "--function", required = true, description = "Function name.") String function;
    @Option(names = "--alias", required = true, description = "Alias name, e.g. live.") String alias;
    @Option(names = "--to-version", description = "Version to roll back to (default: the last known-good one).") String toVersion;
    @Option(names = "--reason", description = "Why (lands on the timeline).") String reason;
    @Option(names = "--severity", description = "P1..P4 (default P3).") String severity;
    @Option(names = "--dry-run", description = "Plan and record only; change nothing.") boolean dryRun;
    @Option(names = {"-f", "--follow"}, description = "Follow the execution to its end.") boolean follow;

    @Override
    public Integer call() {
        ObjectNode detail = Json.object().put("functionName", function).put("alias", alias);
        if (toVersion != null) {
            detail.put("targetVersion", toVersion);
        }
        if (reason != null) {
            detail.put("reason", reason);
        }
        if (severity != null) {
            detail.put("severity", severity);
        }
        detail.put("dryRun", dryRun);
        ManualRequest.validate(detail, RollbackRequest::parse);
        Severities.validate(severity);
        return ManualRequest.send(cli, RollbackRequest.PLAYBOOK, detail, follow);
    }
}
