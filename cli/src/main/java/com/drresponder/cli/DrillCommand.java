package com.drresponder.cli;

import com.drresponder.common.Json;
import com.drresponder.playbook.RestoreRequest;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "drill", description = "Restore drill: restore to latest into a throwaway copy, verify, measure RTO, delete it (restore playbook, mode drill).")
final class DrillCommand implements Callable<Integer> {
    @ParentCommand Drctl cli;
    @Option(names = "--cluster", description = "Aurora DB cluster identifier.") String cluster;
    @Option(names = "--instance", description = "RDS DB instance identifier.") String instance;
    @Option(names = "--dry-run", description = "Plan and record only; change nothing.") boolean dryRun;
    @Option(names = {"-f", "--follow"}, description = "Follow the execution to its end.") boolean follow;

    @Override
    public Integer call() {
        ObjectNode detail = Json.object().put("mode", "drill");
        RestoreCommand.put(detail, "clusterId", cluster);
        RestoreCommand.put(detail, "instanceId", instance);
        detail.put("dryRun", dryRun);
        ManualRequest.validate(detail, RestoreRequest::parse);
        return ManualRequest.send(cli, RestoreRequest.PLAYBOOK, detail, follow);
    }
}
