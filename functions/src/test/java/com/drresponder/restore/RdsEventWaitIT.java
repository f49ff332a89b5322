package com.drresponder.restore;

import static org.assertj.core.api.Assertions.assertThat;

import com.drresponder.common.Json;
import com.drresponder.ledger.Ledger.RdsWait;
import com.drresponder.playbook.RestoreRequest;
import com.drresponder.testing.EmulatorClients;
import com.drresponder.testing.LocalResponder;
import com.drresponder.testing.PlaybookExecutions;
import com.drresponder.testing.PostgresFixture;
import com.drresponder.testing.PostgresTest;
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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;

/**
 * The restore's waits driven by RDS events (issue 14): the emulator keeps each new snapshot and database
 * {@code creating} (a renamed one {@code renaming}) for a controlled time and then emits the RDS event as RDS does
 * ({@link AwsEmulator#delayRds}); the rule {@code rds-wait-events} delivers it to {@code rds-wait}, which resumes the
 * waiting task. With the event lost, the task's timeout (pollSeconds) is the fallback poll. An instance restore with
 * no cut-over, and an Aurora restore (cluster, then its instance) cut over by renaming (final snapshot, both renames:
 * RDS-EVENT-0172, category notification); its verification reads a real PostgreSQL.
 */
@AwsEmulatorTest
@PostgresTest
class RdsEventWaitIT {
    static final String SOURCE = "billing-db";
    static final String CLUSTER = "orders-db";
    static final String APPROVER = "arn:aws:iam::123456789012:user/alice";
    static PostgresFixture postgres;
    /** How long RDS takes for each snapshot/database here: long enough to need a wait, short for the build. */
    static final Duration RDS_TIME = Duration.ofSeconds(3);

    /** Worker cold starts dominate a run on a loaded machine (minutes); the RDS time is seconds. */
    static final Duration RUN_LIMIT = Duration.ofMinutes(15);

    AwsEmulator emulator;
    LocalResponder responder;
    RdsClient rds;
    PlaybookExecutions executions;

    @BeforeAll
    static void startPostgres(PostgresFixture started) {
        postgres = started;
        postgres.ordersTable(3, "1 minute");
    }

    @BeforeEach
    void setUp(AwsEmulator emulator) {
        this.emulator = emulator;
        rds = EmulatorClients.of(emulator, RdsClient.builder());
        RestoreEstate.protectedInstance(emulator, rds, SOURCE);
        responder = RestoreEstate.responderVerifyingOn(emulator, postgres, RestoreRequest.PLAYBOOK);
        responder.eventRule("rds-wait-events");
        // the steps before the approval gate wait on RDS's time too: minutes on a loaded machine
        executions = new PlaybookExecutions(responder, RestoreEstate.deployPlaybook(responder, RestoreRequest.PLAYBOOK), "restore-events",
                "Check progress", List.of(), APPROVER, Duration.ofMinutes(10));
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
        assertThat(waitSpans(run.executionArn(), "Wait for RDS", "Check progress")).hasSize(2).allMatch(d -> d.compareTo(Duration.ofSeconds(120)) < 0);
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
    void auroraRenameRestore_should_continueOnTheRdsEvents_of_creationSnapshotsAndBothRenames() throws Exception {
        // GIVEN a protected Aurora cluster, RDS 10 s per snapshot, cluster, instance and rename, and a fallback poll of 120 s
        RestoreEstate.protectedCluster(rds, CLUSTER);
        emulator.delayRds(Duration.ofSeconds(10));
        ObjectNode input = auroraRename(120);
        // WHEN it is snapshotted, restored (the cluster, then its instance), verified, approved and cut over by renaming
        DescribeExecutionResponse run = executions.approveAndAwait(executions.start(input), input, RUN_LIMIT);
        // THEN the copy answers at the source's name
        executions.assertStatus(run, ExecutionStatus.SUCCEEDED);
        assertThat(rds.describeDBClusters(r -> r.dbClusterIdentifier(CLUSTER)).dbClusters().get(0).tagList())
                .anyMatch(t -> t.key().equals("dr:restored-from"));
        // AND the snapshots and the restore (pre-restore snapshot, cluster then instance, final snapshot) went on at RDS's
        // events (a first check that already finds RDS done resumes itself, under load)
        List<JsonNode> waits = wakes(run.executionArn(), "Check progress");
        assertThat(waits).extracting(w -> w.path("wokenBy").asText()).as(waits.toString()).hasSize(3)
                .allMatch(w -> w.startsWith("RDS-EVENT-") || w.equals("already done")).anyMatch(w -> w.startsWith("RDS-EVENT-"));
        // AND both renames went on at RDS's "Renamed cluster" event, which the rule matches although RDS files it under notification
        List<JsonNode> renames = wakes(run.executionArn(), "Check rename");
        assertThat(renames).extracting(w -> w.path("wokenBy").asText()).as(renames.toString()).hasSize(2)
                .allMatch(w -> w.equals("RDS-EVENT-0172") || w.equals("already done")).contains("RDS-EVENT-0172");
        // AND no wait lasted its fallback poll (a wait ended by its timeout lasts at least 120 s)
        assertThat(waitSpans(run.executionArn(), "Wait for RDS", "Check progress")).hasSize(3).allMatch(d -> d.compareTo(Duration.ofSeconds(120)) < 0);
        assertThat(waitSpans(run.executionArn(), "Wait for rename", "Check rename")).hasSize(2).allMatch(d -> d.compareTo(Duration.ofSeconds(120)) < 0);
    }

    @Test
    void auroraRenameRestore_should_continueOnTheFallbackPoll_when_everyRdsEventIsLost() throws Exception {
        // GIVEN the same restore, RDS 3 s per resource, every RDS event lost (RDS emits them best effort), the fallback poll at 6 s
        RestoreEstate.protectedCluster(rds, CLUSTER);
        emulator.delayRds(RDS_TIME, false);
        ObjectNode input = auroraRename(6);
        // WHEN it runs to the end
        DescribeExecutionResponse run = executions.approveAndAwait(executions.start(input), input, RUN_LIMIT);
        // THEN it succeeded: no wait was woken by an event, and the renames went on when their timeout (the fallback) ended them
        executions.assertStatus(run, ExecutionStatus.SUCCEEDED);
        List<JsonNode> waits = new java.util.ArrayList<>(wakes(run.executionArn(), "Check progress"));
        List<JsonNode> renames = wakes(run.executionArn(), "Check rename");
        waits.addAll(renames);
        assertThat(waits).as(waits.toString()).noneMatch(w -> w.path("wokenBy").asText().startsWith("RDS-EVENT-"));
        assertThat(renames).as(renames.toString()).anyMatch(w -> w.path("Error").asText().equals("States.Timeout"));
        assertThat(rds.describeDBClusters(r -> r.dbClusterIdentifier(CLUSTER)).dbClusters().get(0).tagList())
                .anyMatch(t -> t.key().equals("dr:restored-from"));
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

    /** A rename cut-over of the cluster (approval forced: a rename is destructive), verified against the local PostgreSQL. */
    ObjectNode auroraRename(int pollSeconds) {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        EmulatorClients.of(emulator, SecretsManagerClient.builder()).createSecret(r -> r.name(CLUSTER + "/verify")
                .secretString(Json.object().put("username", "postgres").put("password", "verify-pass-" + suffix)
                        .put("host", CLUSTER + ".local").toString())
                .tags(t -> t.key("dr:database").value(CLUSTER)));
        ObjectNode input = Json.object().put("incidentId", "restore-" + CLUSTER + "-" + suffix).put("clusterId", CLUSTER)
                .put("restoreTime", "latest").put("cutover", "rename").put("pollSeconds", pollSeconds).put("targetId", CLUSTER + "-restored-" + suffix);
        input.putObject("verify").put("secretId", CLUSTER + "/verify").putArray("customSql").add("SELECT count(*) = 3 FROM orders");
        return input;
    }

    static String target(ObjectNode input) {
        return input.get("targetId").asText();
    }

    /** How long each {@code waitState} lasted: from its entry to the {@code checkState} after it. */
    List<Duration> waitSpans(String executionArn, String waitState, String checkState) {
        List<Duration> spans = new java.util.ArrayList<>();
        Instant entered = null;
        for (HistoryEvent e : executions.events(executionArn)) {
            if (e.stateEnteredEventDetails() == null) {
                continue;
            }
            if (e.stateEnteredEventDetails().name().equals(waitState)) {
                entered = e.timestamp();
            } else if (entered != null && e.stateEnteredEventDetails().name().equals(checkState)) {
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
