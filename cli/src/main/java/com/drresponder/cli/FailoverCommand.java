package com.drresponder.cli;

import com.drresponder.playbook.FailoverRequest;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "failover", description = "Fail a database over to a replica: promote an RDS read replica, fail an Aurora cluster over to a reader or an Aurora Global Database to a secondary Region (playbook fail-over-database). Waits for `drctl approve` unless the deployment lets the database recover on its own.")
final class FailoverCommand extends DatabaseCommand {
    @Option(names = "--to", description = "The read replica or reader to promote (default: the opted-in one with least lag within the RPO target).") String to;
    @Mixin CutoverOptions cutover;
    @Option(names = "--approval", description = "Wait for `drctl approve` even where the deployment would not.") boolean approval;
    @Option(names = "--accept-lag", description = "Accept a candidate over the RPO target (or with unknown lag); a person must approve.") boolean acceptLag;
    @Option(names = "--global-action", description = "Aurora Global Database primary: auto (default: a reader or a secondary; a secondary by switchover "
            + "while the primary is available, else by failover with data loss), or only a secondary by switchover, failover (AllowDataLoss) or "
            + "detach (detach and promote). Losing data needs `drctl approve --allow-data-loss`.") String globalAction;
    @Option(names = "--drill", description = "Failover drill (mode drill): make a read replica of the instance, promote, verify and measure it, delete it; nothing in use changes.") boolean drill;

    FailoverCommand() {
        super(FailoverRequest.PLAYBOOK, FailoverRequest::parse);
    }

    @Override
    void putInto(ObjectNode detail) {
        RestoreCommand.put(detail, "to", to);
        cutover.putInto(detail);
        detail.put("approval", approval);
        detail.put("acceptLag", acceptLag);
        RestoreCommand.put(detail, "globalAction", globalAction);
        if (drill) {
            detail.put("mode", "drill");
        }
    }
}
