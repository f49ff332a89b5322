package com.drresponder.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.function.Consumer;
import picocli.CommandLine.Option;

/**
 * Options every playbook request shares, and the one way a request leaves drctl: the common fields
 * added, checked by the playbook's own validator (exit 2 names the field), then sent.
 */
final class RequestOptions {
    @Option(names = "--reason", description = "Why (lands on the timeline).") String reason;
    @Option(names = "--severity", description = "P1..P4 (default P3).") String severity;
    @Option(names = "--dry-run", description = "Plan and record only; change nothing.") boolean dryRun;
    @Option(names = {"-f", "--follow"}, description = "Follow the execution to its end.") boolean follow;

    int send(Drctl cli, String playbook, ObjectNode detail, Consumer<JsonNode> validator) {
        RestoreCommand.put(detail, "reason", reason);
        RestoreCommand.put(detail, "severity", severity);
        detail.put("dryRun", dryRun);
        ManualRequest.validate(detail, validator);
        Severities.validate(severity);
        return ManualRequest.send(cli, playbook, detail, follow);
    }
}
