package com.drresponder.restore;

import static org.assertj.core.api.Assertions.assertThat;

import com.drresponder.common.Json;
import com.drresponder.ledger.Ledger.RdsWait;
import com.drresponder.playbook.RestoreRequest;
import com.drresponder.testing.EmulatorClients;
import com.drresponder.testing.LocalResponder;
import com.drresponder.testing.PlaybookExecutions;
import com.drresponder.testing.RestoreEstate;
import com.drresponder.testsupport.AwsEmulator;
import com.drresponder.testsupport.AwsEmulatorTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;

/**
 * The restore's waits driven by RDS events (issue 14): the emulator keeps each new snapshot and database
 * {@code creating} for a controlled time and then emits the RDS event ({@link AwsEmulator#delayRds}); the rule
 * {@code rds-wait-events} delivers it to {@code rds-wait}, which resumes the waiting task. With the event lost, the
 * task's timeout (pollSeconds) is the fallback poll.
 */
@AwsEmulatorTest
class RdsEventWaitIT {
    static final String SOURCE = "billing-db";
    /** How long RDS takes for each snapshot/database here: long enough to need a wait, short for the build. */
    static final Duration RDS_TIME = Duration.ofSeconds(3);

    /** Worker cold starts dominate a run on a loaded machine (minutes); the RDS time is seconds. */
    static final Duration RUN_LIMIT = Duration.ofMinutes(15);

    AwsEmulator emulator;
    LocalResponder responder;
    RdsClient rds;
    PlaybookExecutions executions;

    @BeforeEach
    void setUp(AwsEmulator emulator) {
        this.emulator = emulator;
        rds = EmulatorClients.of(emulator, RdsClient.builder());
        RestoreEstate.protectedInstance(emulator, rds, SOURCE);
        responder = LocalResponder.create(emulator).functionsOf(RestoreRequest.PLAYBOOK);
        responder.eventRule("rds-wait-events");
        executions = new PlaybookExecutions(responder, RestoreEstate.deployPlaybook(responder, RestoreRequest.PLAYBOOK), "restore-events",
                "Check progress", List.of(), null, Duration.ofMinutes(1));
    }

    @Test
    void restore_should_continueOnTheRdsEvent_without_waitingForThePollInterval() throws Exception {
        // GIVEN RDS takes 3 s per snapshot and database, and a poll interval (the fallback) of 120 s
        emulator.delayRds(RDS_TIME);
        ObjectNode input = input(120);
        // WHEN the instance is snapshotted and restored
        DescribeExecutionResponse run = executions.await(executions.start(input), RUN_LIMIT);
        // THEN it succeeded, each wait was woken by RDS's own event (snapshot created, instance created), none by the timeout
        executions.assertStatus(run, ExecutionStatus.SUCCEEDED);
        List<JsonNode> wakes = wakes(run.executionArn(), "Check progress");
        // (a wait whose first check, after rds-wait's cold start, already finds RDS done resumes itself: "already done")
        assertThat(wakes).extracting(w -> w.path("wokenBy").asText()).as(wakes.toString()).hasSize(2)
                .anyMatch(w -> w.startsWith("RDS-EVENT-")).allMatch(w -> w.startsWith("RDS-EVENT-") || w.equals("already done"));
        // AND each wait ended before its poll interval (a wait ended by its timeout lasts at least 120 s)
        assertThat(waitSpans(run.executionArn())).hasSize(2).allMatch(d -> d.compareTo(Duration.ofSeconds(120)) < 0);
        assertThat(responder.ledger().rdsWait("DB_INSTANCE#" + target(input))).isEmpty();
    }

    @Test
    void restore_should_continueOnTheFallbackPoll_when_theRuleIsDisabled() throws Exception {
        // GIVEN RDS events that reach nothing (the rule disabled), RDS 3 s per resource, the fallback poll at 6 s
        emulator.delayRds(RDS_TIME);
        responder.disableEventRule("rds-wait-events");
        ObjectNode input = input(6);
        // WHEN the instance is snapshotted and restored
        DescribeExecutionResponse run = executions.await(executions.start(input), RUN_LIMIT);
        // THEN it still succeeded: the waits ended by their timeout (the fallback), and Check progress found them ready
        executions.assertStatus(run, ExecutionStatus.SUCCEEDED);
        List<JsonNode> wakes = wakes(run.executionArn(), "Check progress");
        assertThat(wakes).as(wakes.toString()).anyMatch(w -> w.path("Error").asText().equals("States.Timeout"))
                .noneMatch(w -> w.path("wokenBy").asText().startsWith("RDS-EVENT-"));
        assertThat(rds.describeDBInstances(r -> r.dbInstanceIdentifier(target(input))).dbInstances().get(0).dbInstanceStatus()).isEqualTo("available");
    }

    @Test
    void restore_should_continueOnTheFallbackPoll_when_theResumeFails() throws Exception {
        // GIVEN every SendTaskSuccess fails (the resume function cannot resume anything), RDS 3 s per resource, poll at 6 s
        emulator.delayRds(RDS_TIME);
        emulator.injectFault(AwsEmulator.Fault.error("states", "SendTaskSuccess", 500, "ServiceUnavailable").always());
        ObjectNode input = input(6);
        // WHEN the instance is snapshotted and restored
        DescribeExecutionResponse run = executions.await(executions.start(input), RUN_LIMIT);
        // THEN it succeeded on the fallback, and nothing was resumed by an event
        executions.assertStatus(run, ExecutionStatus.SUCCEEDED);
        assertThat(wakes(run.executionArn(), "Check progress")).noneMatch(w -> w.path("wokenBy").asText().startsWith("RDS-EVENT-"));
        assertThat(emulator.requests()).anyMatch(r -> r.action().equals("SendTaskSuccess") && "ServiceUnavailable".equals(r.fault()));
    }

    @Test
    void forgedEvents_should_resumeNothing_when_foreignUnwaitedOrNotReady() {
        // GIVEN a task waits on a database RDS is still creating (RDS takes 10 min here)
        emulator.delayRds(Duration.ofMinutes(10));
        rds.createDBInstance(r -> r.dbInstanceIdentifier("billing-db-restored-1").engine("postgres").dbInstanceClass("db.t3.micro")
                .masterUsername("app").masterUserPassword("password-123").allocatedStorage(20));
        String waited = "DB_INSTANCE#billing-db-restored-1";
        ObjectNode check = Json.object().put("check", "database").put("kind", "instance").put("id", "billing-db-restored-1")
                .put("incidentId", "inc-forged").put("since", Instant.now().toString()).put("seconds", 3600).put("sourceStatus", "available");
        responder.ledger().putRdsWait(new RdsWait(waited, "token-of-the-waiting-task", "inc-forged", check.toString(), Instant.now().plusSeconds(3600)));
        emulator.clearRequests();
        // WHEN forged events arrive: from another account, for a resource nobody waits on, and for the waited one before it is ready
        JsonNode foreign = invoke(event("999999999999", "billing-db-restored-1"));
        JsonNode unwaited = invoke(event(emulator.accountId(), "some-other-db"));
        JsonNode notReady = invoke(event(emulator.accountId(), "billing-db-restored-1"));
        // THEN none resumed anything, nothing called SendTaskSuccess, and the wait is still kept for its real event
        assertThat(foreign.path("resumed").asInt()).isZero();
        assertThat(foreign.path("ignored").asText()).contains("event from account 999999999999");
        assertThat(unwaited.path("resumed").asInt()).isZero();
        assertThat(notReady.path("resumed").asInt()).isZero();
        assertThat(emulator.requests()).noneMatch(r -> r.action().equals("SendTaskSuccess"));
        assertThat(responder.ledger().rdsWait(waited)).isPresent();
    }

    JsonNode invoke(ObjectNode event) {
        var response = responder.invoke("RdsWait", event.toString());
        assertThat(response.functionError()).as(response.payload().asUtf8String()).isNull();
        try {
            return Json.MAPPER.readTree(response.payload().asUtf8String());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** An RDS "DB instance created" event as EventBridge delivers it, for {@code id} in {@code account}. */
    ObjectNode event(String account, String id) {
        String arn = "arn:aws:rds:us-east-1:" + account + ":db:" + id;
        ObjectNode event = Json.object().put("version", "0").put("id", UUID.randomUUID().toString()).put("detail-type", "RDS DB Instance Event")
                .put("source", "aws.rds").put("account", account).put("time", Instant.now().toString()).put("region", "us-east-1");
        event.putArray("resources").add(arn);
        ObjectNode detail = event.putObject("detail");
        detail.putArray("EventCategories").add("creation");
        detail.put("SourceType", "DB_INSTANCE").put("SourceArn", arn).put("Date", Instant.now().toString()).put("Message", "DB instance created")
                .put("SourceIdentifier", id).put("EventID", "RDS-EVENT-0005");
        return event;
    }

    ObjectNode input(int pollSeconds) {
        String id = "restore-" + SOURCE + "-" + UUID.randomUUID().toString().substring(0, 8);
        return Json.object().put("incidentId", id).put("instanceId", SOURCE).put("restoreTime", "latest").put("cutover", "none")
                .put("pollSeconds", pollSeconds).put("targetId", SOURCE + "-restored-" + id.substring(id.length() - 8));
    }

    static String target(ObjectNode input) {
        return input.get("targetId").asText();
    }

    /** How long each Wait for RDS lasted: from its entry to the poll after it. */
    List<Duration> waitSpans(String executionArn) {
        List<Duration> spans = new java.util.ArrayList<>();
        Instant entered = null;
        for (HistoryEvent e : executions.events(executionArn)) {
            if (e.stateEnteredEventDetails() == null) {
                continue;
            }
            if (e.stateEnteredEventDetails().name().equals("Wait for RDS")) {
                entered = e.timestamp();
            } else if (entered != null && e.stateEnteredEventDetails().name().equals("Check progress")) {
                spans.add(Duration.between(entered, e.timestamp()));
                entered = null;
            }
        }
        return spans;
    }

    /** What ended each wait before a poll ({@code state}'s input): {@code {"wokenBy"}} from rds-wait, or the timeout's error. */
    List<JsonNode> wakes(String executionArn, String state) {
        return executions.events(executionArn).stream().filter(e -> e.stateEnteredEventDetails() != null
                        && e.stateEnteredEventDetails().name().equals(state))
                .map(HistoryEvent::stateEnteredEventDetails).map(d -> {
                    try {
                        return Json.MAPPER.readTree(d.input()).path("progress").path("wake");
                    } catch (java.io.IOException ex) {
                        throw new java.io.UncheckedIOException(ex);
                    }
                }).filter(w -> !w.isMissingNode()).toList();
    }
}
