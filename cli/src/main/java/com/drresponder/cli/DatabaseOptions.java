package com.drresponder.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Option;

/** The database a restore, drill or failover acts on: {@code --cluster} (Aurora) or {@code --instance} (RDS); {@code RestoreRequest} validates the choice. */
final class DatabaseOptions {
    @Option(names = "--cluster", description = "Aurora DB cluster identifier.") String cluster;
    @Option(names = "--instance", description = "RDS DB instance identifier.") String instance;

    void putInto(ObjectNode detail) {
        RestoreCommand.put(detail, "clusterId", cluster);
        RestoreCommand.put(detail, "instanceId", instance);
    }
}
