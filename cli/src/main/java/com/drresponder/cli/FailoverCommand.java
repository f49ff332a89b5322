package com.drresponder.cli;

import com.drresponder.common.Json;
import com.drresponder.playbook.FailoverRequest;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "failover", description = "Fail a database over to a replica: promote an RDS read replica or fail an Aurora cluster over to a reader (playbook fail-over-database). Waits for `drctl approve` unless the deployment lets the database recover on its own.")
final class FailoverCommand implements Callable<Integer> {
    @ParentCommand Drctl cli;
    @Mixin RequestOptions request;
    @Option(names = "--instance", description = "RDS DB instance identifier (the primary).") String instance;
    @Option(names = "--cluster", description = "Aurora DB cluster identifier.") String cluster;
    @Option(names = "--to", description = "The read replica or reader to promote (default: the opted-in one with least lag within the RPO target).") String to;
    @Option(names = "--cutover", description = "config or none (default none; an Aurora cluster keeps its endpoints).") String cutover;
    @Option(names = "--approval", description = "Wait for `drctl approve` even where the deployment would not.") boolean approval;
    @Option(names = "--accept-lag", description = "Accept a candidate over the RPO target (or with unknown lag); a person must approve.") boolean acceptLag;
    @Option(names = "--verify", description = "Verification checks, JSON or @file: {\"secretId\": ..., \"rowCounts\": {...}, ...}; required for config.") String verify;
    @Option(names = "--cutover-config", description = "For --cutover config, JSON or @file: {\"secretId\"} | {\"parameterName\"} | {\"functionName\", \"variable\"}.") String cutoverConfig;

    @Override
    public Integer call() {
        ObjectNode detail = Json.object();
        RestoreCommand.put(detail, "instanceId", instance);
        RestoreCommand.put(detail, "clusterId", cluster);
        RestoreCommand.put(detail, "to", to);
        RestoreCommand.put(detail, "cutover", cutover);
        RestoreCommand.putJson(detail, "verify", "--verify", verify);
        RestoreCommand.putJson(detail, "cutoverConfig", "--cutover-config", cutoverConfig);
        detail.put("approval", approval);
        detail.put("acceptLag", acceptLag);
        return request.send(cli, FailoverRequest.PLAYBOOK, detail, FailoverRequest::parse);
    }
}
