package com.drresponder.cli;

import com.drresponder.cli.EventSender.Routed;
import com.drresponder.common.Json;
import com.drresponder.incident.Incident;
import com.drresponder.incident.TimelineEntry;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import software.amazon.awssdk.services.cloudwatch.model.StateValue;

/**
 * {@code drctl local demo}: replays the sample events that the stack's rules match (decided by event-ruler,
 * the matcher EventBridge uses, on events/rules/*.json) into the router in the order they happened, follows
 * every incident that started to its end, and prints each timeline and a summary. For the rollback it plays
 * the part of the recovering service: once the alias has moved, the error alarm goes back to OK.
 */
final class Demo {
    private final Drctl cli;
    private final LocalRuntime runtime;
    private final Duration followTimeout;

    Demo(Drctl cli, LocalRuntime runtime, Duration followTimeout) {
        this.cli = cli;
        this.runtime = runtime;
        this.followTimeout = followTimeout;
    }

    int run() throws Exception {
        Path root = runtime.root;
        EventSender sender = new EventSender(runtime.target, root);
        List<JsonNode> events = new ArrayList<>();
        // identity: the demo edits some events (demoOnlyDrillOverrides) after this map is filled
        Map<JsonNode, String> files = new java.util.IdentityHashMap<>();
        int unmatched = 0;
        for (Path file : jsonFiles(root.resolve("events"))) {
            if (file.startsWith(root.resolve("events").resolve("rules"))) {
                continue;
            }
            String text = Files.readString(file);
            JsonNode event = Json.MAPPER.readTree(text);
            if (!event.has("detail-type") || sender.matchingRules(event).isEmpty()) {
                unmatched++;
                continue;
            }
            events.add(event);
            files.put(event, root.resolve("events").relativize(file).toString());
        }
        events.sort(Comparator.comparing(e -> Instant.parse(e.path("time").asText())));
        var out = cli.out;
        boolean text = !cli.json();
        if (text) {
            out.printf("%nreplaying %d sample events the rules match (%d match no rule: EventBridge would not deliver them)%n",
                    events.size(), unmatched);
        }

        // The service "recovers" once the alias has moved: the error alarm clears, so the verify loop resolves.
        String badVersion = runtime.aliasVersion();
        runtime.alarm(StateValue.ALARM, "Threshold Crossed: 1 out of the last 1 datapoints were greater than or equal to the threshold (1.0)");
        Thread recovery = Thread.ofVirtual().name("demo-recovery").start(() -> {
            try {
                while (runtime.aliasVersion().equals(badVersion)) {
                    Thread.sleep(200);
                }
                Thread.sleep(1500);
                runtime.alarm(StateValue.OK, "Threshold Crossed: errors back to 0 after the rollback");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                // emulator gone: the demo is ending anyway
            }
        });

        List<Routed> routed = new ArrayList<>();
        for (JsonNode event : events) {
            if (demoOnlyDrillOverrides(event) && text) {
                out.printf("  (demo only: %s's verify block gets secretId %s and pollSeconds 1; the local deployment sends its"
                        + " connections to the embedded PostgreSQL: moto's cluster endpoints are no databases)%n", files.get(event), LocalRuntime.VERIFY_SECRET);
            }
            Routed r = sender.send(files.get(event), event);
            routed.add(r);
            if (text) {
                out.printf("  %s  %-52s -> %-9s %s%n", event.path("time").asText(), r.file(), r.outcome(),
                        r.incidentId() != null ? r.playbook() + " " + r.incidentId() : Views.abbreviate(r.reason(), 90));
            }
        }

        Map<String, Follower.Result> results = new LinkedHashMap<>();
        for (Routed r : routed) {
            if ("STARTED".equals(r.outcome()) && !results.containsKey(r.incidentId())) {
                if (text) {
                    out.println();
                }
                Follower follower = new Follower(cli, runtime.target, text).timeout(followTimeout);
                Follower.Result result = follower.watch(r.incidentId());
                if (text) {
                    follower.report(result);
                }
                results.put(r.incidentId(), result);
            }
        }
        recovery.interrupt();
        summary(routed, results);
        boolean checksPassed = checks(results);
        return results.values().stream().allMatch(r -> r.status() != null) && checksPassed ? Drctl.OK : Drctl.FAILED;
    }

    /**
     * Demo only: a replayed manual restore drill of orders-db with a verify block gets its checks pointed at
     * the embedded PostgreSQL through the drill's read-only secret, and a 1 s poll. Returns whether it changed the event.
     */
    private boolean demoOnlyDrillOverrides(JsonNode event) {
        JsonNode detail = event.path("detail");
        if (!"drresponder.manual".equals(event.path("source").asText()) || !(detail instanceof ObjectNode d)
                || !"drill".equals(d.path("mode").asText()) || !LocalRuntime.ORDERS_DB.equals(d.path("clusterId").asText())
                || !(d.get("verify") instanceof ObjectNode verify)
                || runtime.database == null) {
            return false;
        }
        runtime.drillVerifyOverride().forEach(verify::put);
        d.put("pollSeconds", 1);
        return true;
    }

    /** What the playbooks did to the estate, checked from outside (no password is printed). */
    private boolean checks(Map<String, Follower.Result> results) {
        boolean ok = true;
        List<String> lines = new ArrayList<>();
        List<Incident> incidents = results.keySet().stream().map(id -> runtime.target.ledger().incident(id)).flatMap(Optional::stream).toList();
        if (runtime.database != null && incidents.stream().anyMatch(i -> "respond-to-credential-compromise".equals(i.playbook()))) {
            String current = runtime.currentSecretPassword(LocalRuntime.ORDERS_SECRET);
            boolean changed = !runtime.database.appPassword.equals(current);
            boolean oldWorks = runtime.database.canLogIn(DemoDatabase.APP_USER, runtime.database.appPassword);
            boolean newWorks = runtime.database.canLogIn(DemoDatabase.APP_USER, current);
            boolean pass = changed && !oldWorks && newWorks;
            ok &= pass;
            lines.add(String.format("%s %s: password %s; the old password %s; the new one (AWSCURRENT) %s", pass ? "[ok]  " : "[FAIL]",
                    LocalRuntime.ORDERS_SECRET, changed ? "rotated" : "NOT rotated", oldWorks ? "STILL logs in" : "no longer logs in",
                    newWorks ? "logs in" : "does NOT log in"));
        }
        if (incidents.stream().anyMatch(i -> "restore-database-to-point-in-time".equals(i.playbook()))) {
            var clusters = runtime.clusters();
            List<String> others = clusters.stream().map(c -> c.dbClusterIdentifier()).filter(id -> !id.equals(LocalRuntime.ORDERS_DB)).toList();
            var source = clusters.stream().filter(c -> c.dbClusterIdentifier().equals(LocalRuntime.ORDERS_DB)).findFirst();
            boolean untouched = source.isPresent() && "available".equals(source.get().status())
                    && source.get().tagList().stream().noneMatch(t -> t.key().startsWith("dr:") && !t.key().equals("dr:protected"));
            boolean pass = others.isEmpty() && untouched;
            ok &= pass;
            lines.add(String.format("%s drill: temporary copy %s; %s %s", pass ? "[ok]  " : "[FAIL]",
                    others.isEmpty() ? "deleted (no cluster but orders-db left)" : "NOT deleted: " + others, LocalRuntime.ORDERS_DB,
                    untouched ? "untouched (available, same name, no dr: tags added)"
                            : "CHANGED: " + source.map(c -> c.status() + " " + c.tagList()).orElse("gone")));
        }
        if (!lines.isEmpty() && !cli.json()) {
            cli.out.println();
            cli.out.println("checks");
            lines.forEach(l -> cli.out.println("  " + l));
        }
        return ok;
    }

    private void summary(List<Routed> routed, Map<String, Follower.Result> results) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"INCIDENT", "PLAYBOOK", "RESOURCE", "OUTCOME", "TIME TO MITIGATE", "DURATION"});
        ArrayNode json = Json.MAPPER.createArrayNode();
        for (Map.Entry<String, Follower.Result> e : results.entrySet()) {
            Optional<Incident> incident = runtime.target.ledger().incident(e.getKey());
            List<TimelineEntry> timeline = runtime.target.ledger().timeline(e.getKey());
            String outcome = incident.map(i -> String.valueOf(i.status())).orElse(String.valueOf(e.getValue().status()));
            Duration toMitigate = incident.flatMap(i -> timeline.stream()
                    .filter(t -> t.undo() != null && "succeeded".equals(t.outcome())).findFirst()
                    .map(t -> Duration.between(i.createdAt(), t.at()))).orElse(null);
            rows.add(new String[] {e.getKey(), incident.map(Incident::playbook).orElse(""), incident.map(Incident::resource).orElse(""),
                    outcome, toMitigate == null ? "-" : Views.duration(toMitigate), Views.duration(e.getValue().elapsed())});
            ObjectNode n = json.addObject().put("incidentId", e.getKey()).put("playbook", incident.map(Incident::playbook).orElse(null))
                    .put("resource", incident.map(Incident::resource).orElse(null)).put("outcome", outcome)
                    .put("execution", String.valueOf(e.getValue().status()))
                    .put("durationMs", e.getValue().elapsed().toMillis());
            if (toMitigate != null) {
                n.put("timeToMitigateMs", toMitigate.toMillis());
            }
        }
        if (cli.json()) {
            ObjectNode n = Json.object();
            n.set("incidents", json);
            ArrayNode events = n.putArray("events");
            routed.forEach(r -> events.addObject().put("file", r.file()).put("outcome", r.outcome()).put("incidentId", r.incidentId())
                    .put("reason", r.reason()));
            cli.out.println(n.toPrettyString());
            return;
        }
        cli.out.println();
        cli.out.println("summary");
        Map<String, Long> outcomes = new java.util.TreeMap<>();
        routed.forEach(r -> outcomes.merge(r.outcome(), 1L, Long::sum));
        cli.out.println("  events routed: " + routed.size() + " " + outcomes);
        if (results.isEmpty()) {
            cli.out.println("  no incident started");
        } else {
            Views.table(cli.out, rows);
        }
    }

    static List<Path> jsonFiles(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
