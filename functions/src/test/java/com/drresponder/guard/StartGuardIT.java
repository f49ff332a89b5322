package com.drresponder.guard;

import static org.assertj.core.api.Assertions.assertThat;

import com.drresponder.common.Json;
import com.drresponder.events.RepositoryFiles;
import com.drresponder.incident.IncidentStatus;
import com.drresponder.incident.TimelineEntry;
import com.drresponder.ledger.DynamoDbLedger;
import com.drresponder.rollback.RollbackEstate;
import com.drresponder.testing.EmulatorClients;
import com.drresponder.testing.LocalResponder;
import com.drresponder.testsupport.AwsEmulator;
import com.drresponder.testsupport.AwsEmulatorTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.lambda.LambdaClient;

/**
 * The global start guard in the emulator: with the bucket at 5 a minute, 20 incidents (18 P2 alarms, then 2 P1 manual
 * rollbacks) start 5 at once and 5 per minute after, P1 first, then in arrival order; none is lost. The refill clock is
 * the local deployment's guard clock file, which the test moves a minute at a time; the stack's one-minute schedule
 * is played by invoking the router with EventBridge's Scheduled Event.
 */
@AwsEmulatorTest
class StartGuardIT {
    static final int ALARMS = 18, MANUAL_P1 = 2, RATE = 5;

    @Test
    void guard_should_startTwentyIncidentsInOrderFivePerMinute_when_bucketIsFivePerMinute(AwsEmulator emulator) throws Exception {
        // GIVEN 20 protected aliases whose alarms fire, and a responder whose start guard allows 5 starts a minute
        Path clockFile = Files.createTempDirectory("drr-guard-clock").resolve("now");
        java.time.Instant t0 = java.time.Instant.parse("2026-12-02T05:00:00Z");
        GuardClock.set(clockFile, t0);
        LocalResponder responder = RollbackEstate.deployResponder(emulator, Map.of("MUTATING_STARTS_PER_MINUTE", Integer.toString(RATE),
                GuardClock.FILE_VARIABLE, clockFile.toString(), "VERIFY_WINDOW_SECONDS", "900", "VERIFY_POLL_SECONDS", "5"));
        LambdaClient lambda = EmulatorClients.of(emulator, LambdaClient.builder());
        CloudWatchClient cloudWatch = EmulatorClients.of(emulator, CloudWatchClient.builder());
        List<String> functions = new ArrayList<>();
        for (int i = 0; i < ALARMS + MANUAL_P1; i++) {
            String name = "guarded-%02d".formatted(i);
            RollbackEstate.functionWithThreeVersions(emulator, lambda, name, true);
            RollbackEstate.firingAlarm(cloudWatch, name, name + "-live-errors");
            functions.add(name);
        }

        // WHEN 18 alarms arrive, then 2 P1 manual rollbacks, all before any time passes
        List<JsonNode> routed = new ArrayList<>();
        for (int i = 0; i < ALARMS; i++) {
            routed.add(route(responder, alarm(functions.get(i), i)));
        }
        for (int i = ALARMS; i < ALARMS + MANUAL_P1; i++) {
            routed.add(route(responder, manualP1(emulator, functions.get(i), i)));
        }

        // THEN 5 start at once; 15 wait, recorded in the ledger with their locks
        assertThat(routed).extracting(r -> r.path("outcome").asText()).containsExactly(expectedOutcomes());
        List<String> ids = routed.stream().map(r -> r.path("incidentId").asText()).toList();
        DynamoDbLedger ledger = responder.ledger();
        assertThat(executions(responder)).isEqualTo(RATE);
        for (String id : ids.subList(RATE, ids.size())) {
            assertThat(ledger.incident(id)).get().extracting(i -> i.status()).as(id).isEqualTo(IncidentStatus.OPENED);
            assertThat(ledger.timeline(id)).extracting(TimelineEntry::outcome).as(id).containsExactly("opened", "queued");
        }

        // WHEN the schedule runs with no time passed, then after each minute of refill
        assertThat(drain(responder).path("outcome").asText()).isEqualTo("DRAINED");
        assertThat(executions(responder)).as("no token, no start").isEqualTo(RATE);
        List<Integer> startedAfter = new ArrayList<>();
        for (int minute = 1; minute <= 3; minute++) {
            GuardClock.set(clockFile, t0.plusSeconds(minute * 60L));
            drain(responder);
            startedAfter.add(executions(responder));
        }

        // THEN 5 more start each minute, and all 20 have started after 3 minutes: none lost, none waiting
        assertThat(startedAfter).containsExactly(10, 15, 20);
        assertThat(ledger.queuedStarts(emulator.accountId() + "/" + emulator.region(), 50)).isEmpty();
        // AND in order: the first 5 as they came, then the two P1s, then the P2 alarms in arrival order
        List<String> expectedOrder = new ArrayList<>(ids.subList(0, RATE));
        expectedOrder.addAll(ids.subList(ALARMS, ALARMS + MANUAL_P1));
        expectedOrder.addAll(ids.subList(RATE, ALARMS));
        List<String> startOrder = ids.stream().sorted(Comparator.comparing(id -> startedAt(ledger, id))).toList();
        assertThat(startOrder).containsExactlyElementsOf(expectedOrder);
        ids.forEach(id -> assertThat(ledger.incident(id)).get().satisfies(i -> assertThat(i.executionArn()).as(id).isNotNull()));
    }

    private static String[] expectedOutcomes() {
        String[] outcomes = new String[ALARMS + MANUAL_P1];
        for (int i = 0; i < outcomes.length; i++) {
            outcomes[i] = i < RATE ? "STARTED" : "QUEUED";
        }
        return outcomes;
    }

    private static java.time.Instant startedAt(DynamoDbLedger ledger, String id) {
        return ledger.timeline(id).stream().filter(e -> e.outcome().equals("started")).findFirst().orElseThrow(() -> new AssertionError(id + " never started"))
                .at();
    }

    private static int executions(LocalResponder responder) {
        String sm = responder.stateMachineArns.get("rollback-lambda-alias");
        return responder.sfn.listExecutionsPaginator(b -> b.stateMachineArn(sm)).executions().stream().toList().size();
    }

    private static JsonNode route(LocalResponder responder, String event) {
        var response = responder.invoke("IncidentRouter", event);
        JsonNode body = LocalResponder.json(response.payload().asUtf8String());
        assertThat(response.functionError()).as("%s", body).isNull();
        return body;
    }

    /** What the stack's rate(1 minute) rule delivers: EventBridge's Scheduled Event. */
    private static JsonNode drain(LocalResponder responder) {
        AwsEmulator e = responder.emulator;
        return route(responder, """
                {"version":"0","id":"%s","detail-type":"Scheduled Event","source":"aws.events","account":"%s",
                 "time":"2026-12-02T05:00:00Z","region":"%s","resources":["arn:aws:events:%s:%s:rule/StartGuardDrainRule"],"detail":{}}
                """.formatted(java.util.UUID.randomUUID(), e.accountId(), e.region(), e.region(), e.accountId()));
    }

    private static String alarm(String function, int n) {
        ObjectNode event = (ObjectNode) LocalResponder.json(RepositoryFiles.read(RollbackEstate.ALARM_EVENT).replace("checkout-api", function));
        event.put("id", "guard-alarm-" + n);
        return Json.write(event);
    }

    private static String manualP1(AwsEmulator emulator, String function, int n) {
        ObjectNode event = (ObjectNode) LocalResponder.json(RepositoryFiles.read("events/manual/rollback-valid.json"));
        event.put("id", "guard-manual-" + n).put("account", emulator.accountId()).put("region", emulator.region());
        ((ObjectNode) event.get("detail")).put("functionName", function).put("severity", "P1");
        return Json.write(event);
    }
}
