package com.drresponder.cli;

import com.drresponder.common.Json;
import com.drresponder.playbook.RestoreRequest;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "restore", description = "Restore an Aurora cluster or RDS instance to a point in time into a new one (playbook restore-database-to-point-in-time).")
final class RestoreCommand implements Callable<Integer> {
    @ParentCommand Drctl cli;
    @Mixin RequestOptions request;
    @Mixin DatabaseOptions database;
    @Option(names = "--to", description = "Restore time: an ISO-8601 instant (2026-11-22T03:00:00Z) or latest.") String to;
    @Option(names = "--target", description = "Identifier of the restored copy (default: derived).") String targetId;
    @Option(names = "--instance-class", description = "Instance class of the restored copy, e.g. db.r6g.large.") String instanceClass;
    @Option(names = "--cutover", description = "rename, config or none (default none).") String cutover;
    @Option(names = "--approval", description = "Wait for `drctl approve` before cutting over.") boolean approval;
    @Option(names = "--verify", description = "Verification checks, JSON or @file: {\"secretId\": ..., \"rowCounts\": {...}, ...}; required for rename and config.") String verify;
    @Option(names = "--cutover-config", description = "For --cutover config, JSON or @file: {\"secretId\"} | {\"parameterName\"} | {\"functionName\", \"variable\", \"alias\"?}.") String cutoverConfig;

    @Override
    public Integer call() {
        ObjectNode detail = Json.object();
        database.putInto(detail);
        put(detail, "restoreTime", to);
        put(detail, "targetId", targetId);
        put(detail, "instanceClass", instanceClass);
        put(detail, "cutover", cutover);
        putJson(detail, "verify", "--verify", verify);
        putJson(detail, "cutoverConfig", "--cutover-config", cutoverConfig);
        detail.put("approval", approval);
        return request.send(cli, RestoreRequest.PLAYBOOK, detail, RestoreRequest::parse);
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
