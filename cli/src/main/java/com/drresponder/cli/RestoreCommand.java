package com.drresponder.cli;

import com.drresponder.common.Json;
import com.drresponder.playbook.RestoreRequest;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "restore", description = "Restore an Aurora cluster or RDS instance to a point in time (or from a snapshot) into a new one (playbook restore-database-to-point-in-time).")
final class RestoreCommand extends DatabaseCommand {
    @Option(names = "--to", description = "Restore time: an ISO-8601 instant (2026-11-22T03:00:00Z) or latest.") String to;
    @Option(names = "--from-snapshot", paramLabel = "ID|latest", description = "Restore from a snapshot of the database instead of a"
            + " point in time (when PITR is not possible): a snapshot identifier, or latest (its newest automated snapshot). Not with --to.")
    String fromSnapshot;
    @Option(names = "--target", description = "Identifier of the restored copy (default: derived).") String targetId;
    @Option(names = "--instance-class", description = "Instance class of the restored copy, e.g. db.r6g.large.") String instanceClass;
    @Mixin CutoverOptions cutover;
    @Option(names = "--approval", description = "Wait for `drctl approve` before cutting over.") boolean approval;

    RestoreCommand() {
        super(RestoreRequest.PLAYBOOK, RestoreRequest::parse);
    }

    @Override
    void putInto(ObjectNode detail) {
        put(detail, "restoreTime", to);
        if (fromSnapshot != null) {
            detail.putObject("source").put("snapshot", "latest".equals(fromSnapshot) ? RestoreRequest.LATEST_AUTOMATED : fromSnapshot);
        }
        put(detail, "targetId", targetId);
        put(detail, "instanceClass", instanceClass);
        cutover.putInto(detail);
        detail.put("approval", approval);
    }

    /** A JSON object given inline or as {@code @path}; a bad one is bad input naming the option. */
    static void putJson(ObjectNode node, String field, String option, String value) {
        if (value == null) {
            return;
        }
        String text = value;
        try {
            if (value.startsWith("@")) {
                text = java.nio.file.Files.readString(java.nio.file.Path.of(value.substring(1)));
            }
            com.fasterxml.jackson.databind.JsonNode parsed = Json.MAPPER.readTree(text);
            if (parsed == null || !parsed.isObject()) {
                throw CliException.badInput(option + ": must be a JSON object (inline or @file)");
            }
            node.set(field, parsed);
        } catch (java.io.IOException e) {
            throw CliException.badInput(option + ": not a readable JSON object (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
    }

    static void put(ObjectNode node, String field, String value) {
        if (value != null) {
            node.put(field, value);
        }
    }
}
