package com.drresponder.cli;

import com.drresponder.common.Json;
import com.drresponder.playbook.RestoreRequest;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "restore", description = "Restore an Aurora cluster or RDS instance to a point in time into a new one (playbook restore-database-to-point-in-time).")
final class RestoreCommand implements Callable<Integer> {
    @ParentCommand Drctl cli;
    @Option(names = "--cluster", description = "Aurora DB cluster identifier.") String cluster;
    @Option(names = "--instance", description = "RDS DB instance identifier.") String instance;
    @Option(names = "--to", description = "Restore time: an ISO-8601 instant (2026-11-22T03:00:00Z) or latest.") String to;
    @Option(names = "--target", description = "Identifier of the restored copy (default: derived).") String targetId;
    @Option(names = "--instance-class", description = "Instance class of the restored copy, e.g. db.r6g.large.") String instanceClass;
    @Option(names = "--cutover", description = "rename, config or none (default none).") String cutover;
    @Option(names = "--approval", description = "Wait for `drctl approve` before cutting over.") boolean approval;
    @Option(names = "--reason", description = "Why (lands on the timeline).") String reason;
    @Option(names = "--severity", description = "P1..P4 (default P3).") String severity;
    @Option(names = "--dry-run", description = "Plan and record only; change nothing.") boolean dryRun;
    @Option(names = {"-f", "--follow"}, description = "Follow the execution to its end.") boolean follow;

    @Override
    public Integer call() {
        ObjectNode detail = Json.object();
        put(detail, "clusterId", cluster);
        put(detail, "instanceId", instance);
        put(detail, "restoreTime", to);
        put(detail, "targetId", targetId);
        put(detail, "instanceClass", instanceClass);
        put(detail, "cutover", cutover);
        put(detail, "reason", reason);
        put(detail, "severity", severity);
        detail.put("approval", approval).put("dryRun", dryRun);
        ManualRequest.validate(detail, RestoreRequest::parse);
        Severities.validate(severity);
        return ManualRequest.send(cli, RestoreRequest.PLAYBOOK, detail, follow);
    }

    static void put(ObjectNode node, String field, String value) {
        if (value != null) {
            node.put(field, value);
        }
    }
}
