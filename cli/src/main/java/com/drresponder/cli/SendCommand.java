package com.drresponder.cli;

import com.drresponder.cli.EventSender.Routed;
import com.drresponder.common.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * {@code drctl local send FILE...}: what the responder makes of an event, as AWS would emit it, without an account
 * (like {@code sam local invoke -e}): rule patterns first, then the router, then (with --follow) the playbook.
 */
@Command(name = "send", description = "Deliver event files (as AWS emits them) to the running local responder, as EventBridge would: "
        + "rule patterns first, then the router; print what each started, joined or why it was ignored.")
final class SendCommand implements Callable<Integer> {
    @ParentCommand LocalCommand local;
    @Parameters(paramLabel = "FILE", arity = "1..*", description = "Event JSON files (EventBridge envelope: source, detail-type, detail).")
    List<Path> files;
    @Option(names = "--now", description = "Give each event a new id and the current time, as a fresh delivery (samples are dated).")
    boolean now;
    @Option(names = "--follow", description = "Follow every playbook the events started to its end; exit 1 if one did not succeed.")
    boolean follow;
    @Option(names = "--timeout", defaultValue = "300", description = "Per-incident follow limit in seconds (default ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    @Override
    public Integer call() throws Exception {
        Drctl cli = local.cli;
        Map<String, JsonNode> events = read(); // every file checked before anything is sent
        Target target = Target.local(cli.stateFile);
        try {
            EventSender sender = new EventSender(target, cli.root);
            List<Routed> routed = new ArrayList<>();
            for (Map.Entry<String, JsonNode> e : events.entrySet()) {
                Routed r = sender.send(e.getKey(), e.getValue());
                routed.add(r);
                if (!cli.json()) {
                    cli.out.printf("%s -> %s %s%n", r.file(), r.outcome(), r.incidentId() != null
                            ? r.playbook() + " " + r.incidentId() + " (rules: " + String.join(", ", r.rules()) + ")"
                            : Views.abbreviate(String.valueOf(r.reason()), 160));
                }
            }
            Map<String, Follower.Result> results = follow ? followStarted(cli, target, routed) : Map.of();
            if (cli.json()) {
                print(cli, routed, results);
            }
            boolean rejected = routed.stream().anyMatch(r -> "REJECTED".equals(r.outcome()));
            boolean failed = results.values().stream().anyMatch(r -> r.status() != ExecutionStatus.SUCCEEDED);
            return rejected || failed ? Drctl.FAILED : Drctl.OK;
        } finally {
            target.close();
        }
    }

    private Map<String, JsonNode> read() {
        Map<String, JsonNode> events = new LinkedHashMap<>();
        for (Path file : files) {
            JsonNode event;
            try {
                event = Json.MAPPER.readTree(Files.readString(file));
            } catch (IOException e) {
                throw CliException.badInput(file + ": not a readable JSON file (" + e.getMessage() + ")");
            }
            if (event == null || !event.isObject()) {
                throw CliException.badInput(file + ": an event is a JSON object (the EventBridge envelope)");
            }
            for (String field : List.of("source", "detail-type", "detail")) {
                if (!event.has(field)) {
                    throw CliException.badInput(file + ": not an EventBridge event: no \"" + field + "\"");
                }
            }
            if (now) {
                ((ObjectNode) event).put("id", UUID.randomUUID().toString()).put("time", Instant.now().toString());
            }
            events.put(file.toString(), event);
        }
        return events;
    }

    private Map<String, Follower.Result> followStarted(Drctl cli, Target target, List<Routed> routed) {
        Map<String, Follower.Result> results = new LinkedHashMap<>();
        for (Routed r : routed) {
            if ("STARTED".equals(r.outcome()) && !results.containsKey(r.incidentId())) {
                Follower follower = new Follower(cli, target, !cli.json()).timeout(Duration.ofSeconds(timeoutSeconds));
                Follower.Result result = follower.watch(r.incidentId());
                if (!cli.json()) {
                    follower.report(result);
                }
                results.put(r.incidentId(), result);
            }
        }
        return results;
    }

    private static void print(Drctl cli, List<Routed> routed, Map<String, Follower.Result> results) {
        ArrayNode out = Json.MAPPER.createArrayNode();
        for (Routed r : routed) {
            ObjectNode n = out.addObject().put("file", r.file()).put("outcome", r.outcome()).put("incidentId", r.incidentId())
                    .put("playbook", r.playbook()).put("reason", r.reason());
            r.rules().forEach(n.putArray("rules")::add);
            Follower.Result result = r.incidentId() == null ? null : results.get(r.incidentId());
            if (result != null && "STARTED".equals(r.outcome())) {
                n.put("execution", String.valueOf(result.status()));
            }
        }
        cli.out.println(out.toPrettyString());
    }
}
