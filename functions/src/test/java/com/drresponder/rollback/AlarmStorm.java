package com.drresponder.rollback;

import com.drresponder.common.Json;
import com.drresponder.events.RepositoryFiles;
import com.drresponder.testing.EmulatorClients;
import com.drresponder.testing.LocalResponder;
import com.drresponder.testsupport.AwsEmulator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.StateValue;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;

/**
 * A region-wide alarm storm against the rollback path, shared by {@code AlarmStormIT} (what happened) and
 * {@code AlarmStormBenchmark} (how fast): {@value #ALIASES} protected functions {@code storm-NN} (versions
 * 1-3, alias {@code live} on 3, error alarm in ALARM) and as many unprotected twins {@code storm-NN-twin}
 * (same shape, no {@code dr:protected} tag). {@link #events} builds {@value #EVENTS} deliveries as
 * EventBridge would make them in a storm: each protected alarm flapping ALARM/OK/ALARM/OK/ALARM, every
 * transition delivered several times, the twins' alarms firing too, and hostile or broken events among them,
 * all shuffled (out of order). The real alarms stay in ALARM until {@link #clearAlarms()}, as a storm does.
 */
public final class AlarmStorm {
    public static final int ALIASES = 20;
    public static final int EVENTS = 1_000;
    /** Protected: 3 ALARM transitions x 8 copies + 2 OK transitions x 5 copies per alias. */
    static final int ALARM_TRANSITIONS = 3, ALARM_COPIES = 8, OK_TRANSITIONS = 2, OK_COPIES = 5;
    /** Twins: ALARM, OK, ALARM, each 4 copies. Broken: 40 with a forged resource ARN, 40 without an alarm name. */
    static final int TWIN_TRANSITIONS = 3, TWIN_COPIES = 4, FORGED = 40, NAMELESS = 40;

    public final AwsEmulator emulator;
    public final LocalResponder responder;
    public final LambdaClient lambda;
    public final CloudWatchClient cloudWatch;
    /** Delivers to the router: one attempt per delivery, however long the router takes to answer. */
    private final LambdaClient delivery;
    private final String routerArn;
    public final List<String> functions = new ArrayList<>();
    public final List<String> twins = new ArrayList<>();

    /** What one delivery is, so that its outcome can be checked: the function it names, and its kind. */
    public enum Kind { ALARM, OK, TWIN, FORGED, NAMELESS }

    public record Delivery(int index, String function, Kind kind, String json) {}

    /** The router's answer to one delivery: its outcome (REJECTED when the handler refused the event), and timing. */
    public record Routed(Delivery delivery, String outcome, String incidentId, Instant sentAt, Duration latency) {}

    private AlarmStorm(AwsEmulator emulator, Map<String, String> env) {
        this.emulator = emulator;
        this.responder = RollbackEstate.deployResponder(emulator, env);
        this.lambda = EmulatorClients.of(emulator, LambdaClient.builder());
        this.cloudWatch = EmulatorClients.of(emulator, CloudWatchClient.builder());
        this.delivery = EmulatorClients.oneAttempt(LambdaClient.builder(), emulator);
        this.routerArn = responder.functionArns.get("IncidentRouter");
        for (int i = 0; i < ALIASES; i++) {
            String name = "storm-%02d".formatted(i);
            String twin = name + "-twin";
            RollbackEstate.functionWithThreeVersions(emulator, lambda, name, true);
            RollbackEstate.functionWithThreeVersions(emulator, lambda, twin, false);
            RollbackEstate.firingAlarm(cloudWatch, name, alarmName(name));
            RollbackEstate.firingAlarm(cloudWatch, twin, alarmName(twin));
            functions.add(name);
            twins.add(twin);
        }
    }

    /**
     * @param env responder environment on top of {@link RollbackEstate#deployResponder}'s; the verify window
     *            must outlast the storm, or an incident could end (and free its alias) mid-storm
     */
    public static AlarmStorm deploy(AwsEmulator emulator, Map<String, String> env) {
        return new AlarmStorm(emulator, env);
    }

    public static String alarmName(String function) {
        return function + "-live-errors";
    }

    /** The {@value #EVENTS} deliveries, shuffled with {@code seed}. */
    public List<Delivery> events(long seed) {
        String sample = RepositoryFiles.read(RollbackEstate.ALARM_EVENT);
        List<Delivery> all = new ArrayList<>();
        for (String fn : functions) {
            // ALARM at minute 0, 2, 4; OK at 1, 3: a flapping alarm
            for (int t = 0; t < ALARM_TRANSITIONS + OK_TRANSITIONS; t++) {
                boolean alarm = t % 2 == 0;
                for (int c = 0; c < (alarm ? ALARM_COPIES : OK_COPIES); c++) {
                    all.add(new Delivery(0, fn, alarm ? Kind.ALARM : Kind.OK, transition(sample, fn, alarm, t, all.size())));
                }
            }
        }
        for (String twin : twins) {
            for (int t = 0; t < TWIN_TRANSITIONS; t++) {
                for (int c = 0; c < TWIN_COPIES; c++) {
                    all.add(new Delivery(0, twin, Kind.TWIN, transition(sample, twin, t % 2 == 0, t, all.size())));
                }
            }
        }
        for (int i = 0; i < FORGED; i++) {
            ObjectNode forged = (ObjectNode) LocalResponder.json(transition(sample, functions.get(i % ALIASES), true, 0, all.size()));
            forged.putArray("resources").add("arn:aws:iam::" + emulator.accountId() + ":role/not-an-alarm");
            all.add(new Delivery(0, functions.get(i % ALIASES), Kind.FORGED, Json.write(forged)));
        }
        for (int i = 0; i < NAMELESS; i++) {
            ObjectNode nameless = (ObjectNode) LocalResponder.json(transition(sample, functions.get(i % ALIASES), true, 0, all.size()));
            ((ObjectNode) nameless.get("detail")).remove("alarmName");
            all.add(new Delivery(0, functions.get(i % ALIASES), Kind.NAMELESS, Json.write(nameless)));
        }
        if (all.size() != EVENTS) {
            throw new IllegalStateException("the storm has " + all.size() + " events, not " + EVENTS);
        }
        Collections.shuffle(all, new Random(seed));
        return IntStream.range(0, all.size()).mapToObj(i -> new Delivery(i, all.get(i).function(), all.get(i).kind(), all.get(i).json()))
                .toList();
    }

    /** The sample alarm event for {@code function}'s alias, as the transition at minute {@code minute}. */
    private String transition(String sample, String function, boolean alarm, int minute, int delivery) {
        ObjectNode event = (ObjectNode) LocalResponder.json(sample.replace("checkout-api", function));
        event.put("id", "storm-" + delivery + "-" + function);
        event.put("time", "2024-03-15T10:%02d:41Z".formatted(minute));
        ObjectNode detail = (ObjectNode) event.get("detail");
        ObjectNode state = (ObjectNode) detail.get("state");
        ObjectNode previous = (ObjectNode) detail.get("previousState");
        state.put("value", alarm ? "ALARM" : "OK").put("timestamp", "2024-03-15T10:%02d:41.321+0000".formatted(minute));
        previous.put("value", alarm ? "OK" : "ALARM");
        return Json.write(event);
    }

    /**
     * Delivers every event to the router function, spread evenly over {@code spread} by a scheduler with
     * {@code senders} threads (each a synchronous invoke, as EventBridge's delivery to the router is one call).
     */
    public List<Routed> send(List<Delivery> deliveries, Duration spread, int senders) throws InterruptedException {
        ScheduledExecutorService pool = Executors.newScheduledThreadPool(senders);
        try {
            List<Future<Routed>> futures = new ArrayList<>();
            long step = spread.toNanos() / deliveries.size();
            for (Delivery d : deliveries) {
                futures.add(pool.schedule(() -> route(d), step * d.index(), TimeUnit.NANOSECONDS));
            }
            List<Routed> routed = new ArrayList<>();
            for (Future<Routed> f : futures) {
                try {
                    routed.add(f.get());
                } catch (ExecutionException e) {
                    throw new IllegalStateException("delivery failed to reach the router", e.getCause());
                }
            }
            return routed;
        } finally {
            pool.shutdownNow();
        }
    }

    private Routed route(Delivery d) {
        Instant sent = Instant.now();
        InvokeResponse response = delivery.invoke(b -> b.functionName(routerArn).payload(SdkBytes.fromUtf8String(d.json())));
        Duration latency = Duration.between(sent, Instant.now());
        JsonNode body = LocalResponder.json(response.payload().asUtf8String());
        if (response.functionError() != null) {
            // the handler fails a rejected event on purpose (it goes to the DLQ); anything else is unaccounted for
            String type = body.path("errorType").asText();
            String outcome = type.endsWith("RejectedEventException") ? "REJECTED" : "ERROR " + type + ": " + body.path("errorMessage").asText();
            return new Routed(d, outcome, null, sent, latency);
        }
        return new Routed(d, body.path("outcome").asText(), body.path("incidentId").asText(null), sent, latency);
    }

    /** The storm is over: every alarm returns to OK, so each incident's verify loop resolves it. */
    public void clearAlarms() {
        functions.forEach(fn -> RollbackEstate.setAlarm(cloudWatch, alarmName(fn), StateValue.OK));
        twins.forEach(fn -> RollbackEstate.setAlarm(cloudWatch, alarmName(fn), StateValue.OK));
    }

    public String aliasVersion(String function) {
        return lambda.getAlias(b -> b.functionName(function).name("live")).functionVersion();
    }

    /** The function an UpdateAlias request names (Lambda's REST path: /2015-03-31/functions/{name}/aliases/{alias}). */
    public static String functionOf(AwsEmulator.ApiRequest updateAlias) {
        String[] parts = updateAlias.path().split("/");
        for (int i = 0; i < parts.length - 1; i++) {
            if (parts[i].equals("functions")) {
                String name = java.net.URLDecoder.decode(parts[i + 1], java.nio.charset.StandardCharsets.UTF_8);
                return name.contains(":function:") ? name.substring(name.lastIndexOf(":function:") + 10).split(":")[0] : name;
            }
        }
        throw new IllegalArgumentException("no function in " + updateAlias.path());
    }
}
