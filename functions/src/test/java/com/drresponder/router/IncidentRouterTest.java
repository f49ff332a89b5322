package com.drresponder.router;

import static com.drresponder.router.TestEvents.alarm;
import static com.drresponder.router.TestEvents.clusterArn;
import static com.drresponder.router.TestEvents.functionArn;
import static com.drresponder.router.TestEvents.manual;
import static com.drresponder.router.TestEvents.rds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.drresponder.common.Json;
import com.drresponder.common.Settings;
import com.drresponder.incident.IncidentStatus;
import com.drresponder.incident.TimelineEntry;
import com.drresponder.ledger.InMemoryLedger;
import com.drresponder.router.RouterResult.Outcome;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IncidentRouterTest {
    static final String ROLLBACK_SM = "arn:aws:states:us-east-1:123456789012:stateMachine:rollback-lambda-alias";
    static final String RESTORE_SM = "arn:aws:states:us-east-1:123456789012:stateMachine:restore-database-to-point-in-time";

    final InMemoryLedger ledger = new InMemoryLedger();
    final RouterFakes.Notifications notifications = new RouterFakes.Notifications();
    final RouterFakes.Starter starter = new RouterFakes.Starter();
    final RouterFakes.Tags tags = new RouterFakes.Tags();
    final Map<String, String> env = new HashMap<>();
    final Map<String, String> clusters = new HashMap<>();
    /** database -> a replica (or reader) RDS reports available */
    final Map<String, String> healthyReplicas = new HashMap<>();
    final RdsTopology topology = new RdsTopology() {
        @Override
        public java.util.Optional<String> clusterOf(String id) {
            return java.util.Optional.ofNullable(clusters.get(id));
        }

        @Override
        public java.util.Optional<String> healthyReplicaOf(String id, boolean cluster) {
            return java.util.Optional.ofNullable(healthyReplicas.get((cluster ? "cluster:" : "db:") + id));
        }
    };

    @BeforeEach
    void protectCheckoutApi() {
        env.put("LEDGER_TABLE", "ledger");
        env.put("TOPIC_ARN", "arn:aws:sns:us-east-1:123456789012:dr");
        env.put("DR_MODE", "enforce");
        env.put("PROTECTED_RESOURCES", functionArn("checkout-api") + "," + clusterArn("orders-db"));
        env.put("ROLLBACK_STATE_MACHINE_ARN", ROLLBACK_SM);
        env.put("RESTORE_STATE_MACHINE_ARN", RESTORE_SM);
        tags.tag(functionArn("checkout-api"), "dr:protected", "true");
        tags.tag(clusterArn("orders-db"), "dr:protected", "true");
    }

    IncidentRouter router() {
        return new IncidentRouter(Settings.from(env), TestEvents.DEPLOYMENT, tags, topology, ledger, notifications, starter,
                Clock.fixed(Instant.parse("2026-11-22T03:00:05Z"), ZoneOffset.UTC));
    }

    @Test
    void route_should_startRollbackAndRecordIncident_when_alarmOnProtectedAlias() throws Exception {
        // GIVEN an alarm entering ALARM on a protected function's alias
        // WHEN the router sees it
        RouterResult result = router().route(alarm("e1", "checkout-api", "live", "ALARM", "2026-11-22T03:00:00.000+0000"));

        // THEN one execution of the rollback playbook starts, named after the incident
        assertThat(result.outcome()).isEqualTo(Outcome.STARTED);
        assertThat(starter.calls).hasSize(1);
        RouterFakes.Starter.Call call = starter.calls.get(0);
        assertThat(call.stateMachineArn()).isEqualTo(ROLLBACK_SM);
        assertThat(call.name()).isEqualTo(result.incidentId()).startsWith("rollback-checkout-api-live-").hasSizeLessThanOrEqualTo(80);
        JsonNode input = Json.MAPPER.readTree(call.input());
        assertThat(input.get("functionName").asText()).isEqualTo("checkout-api");
        assertThat(input.get("alias").asText()).isEqualTo("live");
        assertThat(input.get("incidentId").asText()).isEqualTo(result.incidentId());
        assertThat(input.get("dryRun").asBoolean()).isFalse();
        // AND the ledger holds the incident, its timeline, and the alias lock
        assertThat(ledger.incident(result.incidentId())).get()
                .satisfies(i -> assertThat(i.status()).isEqualTo(IncidentStatus.INVESTIGATING))
                .satisfies(i -> assertThat(i.executionArn()).isEqualTo(result.executionArn()));
        assertThat(ledger.timeline(result.incidentId())).extracting(TimelineEntry::action)
                .containsExactly("Incident opened", "Start playbook rollback-lambda-alias");
        assertThat(ledger.lockHolder(functionArn("checkout-api") + ":live")).contains(result.incidentId());
        // AND people hear "Investigating"
        assertThat(notifications.sent).singleElement()
                .satisfies(n -> assertThat(n.status()).isEqualTo(IncidentStatus.INVESTIGATING))
                .satisfies(n -> assertThat(n.subject()).contains("[P2] Investigating").contains("checkout-api:live"));
    }

    @Test
    void route_should_startNothingNew_when_sameEventIsDeliveredAgain() {
        // GIVEN an alarm event that was routed already
        String event = alarm("e1", "checkout-api", "live", "ALARM", "2026-11-22T03:00:00.000+0000");
        IncidentRouter router = router();
        RouterResult first = router.route(event);

        // WHEN EventBridge delivers it again (also as a new event id for the same transition)
        RouterResult again = router.route(event);
        RouterResult sameTransition = router.route(alarm("e2", "checkout-api", "live", "ALARM", "2026-11-22T03:00:00.000+0000"));

        // THEN the execution is not started twice and nobody is notified twice
        assertThat(again.outcome()).isEqualTo(Outcome.DUPLICATE);
        assertThat(sameTransition.outcome()).isEqualTo(Outcome.DUPLICATE);
        assertThat(again.incidentId()).isEqualTo(first.incidentId());
        assertThat(starter.calls).hasSize(1);
        assertThat(notifications.sent).hasSize(1);
    }

    @Test
    void route_should_reportDuplicate_andNotifyOnce_when_aConcurrentDeliveryRecordedTheExecutionFirst() {
        // GIVEN a concurrent delivery of the same event that records its execution while this one is starting
        // (both pass the lock, StartExecution with the same name and input returns the one running execution)
        String event = alarm("e1", "checkout-api", "live", "ALARM", "2026-11-22T03:00:00.000+0000");
        RouterFakes.Starter racing = new RouterFakes.Starter() {
            @Override
            public String start(String stateMachineArn, String executionName, String input) {
                String arn = super.start(stateMachineArn, executionName, input);
                ledger.recordExecution(executionName, arn, IncidentStatus.INVESTIGATING, Instant.parse("2026-11-22T03:00:05Z"));
                return arn;
            }
        };
        IncidentRouter router = new IncidentRouter(Settings.from(env), TestEvents.DEPLOYMENT, tags, topology, ledger, notifications, racing,
                Clock.fixed(Instant.parse("2026-11-22T03:00:05Z"), ZoneOffset.UTC));

        // WHEN this delivery finishes second
        RouterResult result = router.route(event);

        // THEN it says DUPLICATE, and neither the timeline nor the people hear of a second start
        assertThat(result.outcome()).isEqualTo(Outcome.DUPLICATE);
        assertThat(result.executionArn()).isEqualTo(ledger.incident(result.incidentId()).orElseThrow().executionArn());
        assertThat(ledger.timeline(result.incidentId())).extracting(TimelineEntry::action).containsExactly("Incident opened");
        assertThat(notifications.sent).isEmpty();
    }

    @Test
    void route_should_joinRunningIncident_when_resourceIsLocked() {
        // GIVEN a rollback running on checkout-api:live
        IncidentRouter router = router();
        RouterResult first = router.route(alarm("e1", "checkout-api", "live", "ALARM", "2026-11-22T03:00:00.000+0000"));

        // WHEN a second, different alarm transition arrives for the same alias
        RouterResult second = router.route(alarm("e2", "checkout-api", "live", "ALARM", "2026-11-22T03:01:00.000+0000"));

        // THEN nothing starts; the trigger is recorded on the running incident
        assertThat(second.outcome()).isEqualTo(Outcome.JOINED);
        assertThat(second.incidentId()).isEqualTo(first.incidentId());
        assertThat(starter.calls).hasSize(1);
        assertThat(ledger.timeline(first.incidentId())).extracting(TimelineEntry::action).contains("Trigger joined");
    }

    @Test
    void route_should_recordPlanAndStartNothing_when_globalModeIsDryRun() {
        // GIVEN the responder in dry-run mode
        env.put("DR_MODE", "dry-run");

        // WHEN an alarm arrives
        RouterResult result = router().route(alarm("e1", "checkout-api", "live", "ALARM", "2026-11-22T03:00:00.000+0000"));

        // THEN the plan is recorded and announced, nothing is started, no lock is taken
        assertThat(result.outcome()).isEqualTo(Outcome.DRY_RUN);
        assertThat(starter.calls).isEmpty();
        assertThat(ledger.lockHolder(functionArn("checkout-api") + ":live")).isEmpty();
        assertThat(ledger.incident(result.incidentId())).get().extracting(i -> i.status()).isEqualTo(IncidentStatus.DRY_RUN);
        assertThat(ledger.timeline(result.incidentId())).singleElement()
                .satisfies(e -> assertThat(e.detail()).contains("Would start playbook rollback-lambda-alias on checkout-api:live"));
        assertThat(notifications.sent).singleElement().satisfies(n -> assertThat(n.subject()).contains("Dry run"));
    }

    @Test
    void route_should_dryRun_when_resourceIsTaggedDryRun() {
        tags.tag(functionArn("checkout-api"), "dr:dry-run", "true");

        RouterResult result = router().route(alarm("e1", "checkout-api", "live", "ALARM", "2026-11-22T03:00:00.000+0000"));

        assertThat(result.outcome()).isEqualTo(Outcome.DRY_RUN);
        assertThat(starter.calls).isEmpty();
    }

    @Test
    void route_should_dryRun_when_manualRequestAsksForIt() {
        RouterResult result = router().route(manual("m1",
                "{\"playbook\":\"rollback-lambda-alias\",\"functionName\":\"checkout-api\",\"alias\":\"live\",\"dryRun\":true}"));

        assertThat(result.outcome()).isEqualTo(Outcome.DRY_RUN);
        assertThat(starter.calls).isEmpty();
    }

    @Test
    void route_should_ignore_when_functionIsTaggedButNotAllowListed() {
        tags.tag(functionArn("legacy-batch"), "dr:protected", "true");

        RouterResult result = router().route(alarm("e1", "legacy-batch", "prod", "ALARM", "2026-11-22T03:00:00.000+0000"));

        assertThat(result.outcome()).isEqualTo(Outcome.IGNORED);
        assertThat(result.reason()).contains("not in the allow-list");
        assertThat(starter.calls).isEmpty();
        assertThat(ledger.recentIncidents(10)).isEmpty();
    }

    @Test
    void route_should_ignore_when_allowListedFunctionLacksTag() {
        tags.byArn.remove(functionArn("checkout-api"));

        RouterResult result = router().route(alarm("e1", "checkout-api", "live", "ALARM", "2026-11-22T03:00:00.000+0000"));

        assertThat(result.outcome()).isEqualTo(Outcome.IGNORED);
        assertThat(result.reason()).contains("is not tagged dr:protected=true");
    }

    @Test
    void route_should_ignore_when_alarmReturnsToOk() {
        RouterResult result = router().route(alarm("e1", "checkout-api", "live", "OK", "2026-11-22T03:00:00.000+0000"));

        assertThat(result.outcome()).isEqualTo(Outcome.IGNORED);
        assertThat(result.reason()).contains("is OK");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "not json|{oops|event is not valid JSON",
        "array|[]|event must be a JSON object",
        "no detail|{\"id\":\"1\",\"source\":\"aws.rds\"}|event has no \"detail\" object",
        "no source|{\"id\":\"1\",\"detail-type\":\"x\",\"account\":\"1\",\"region\":\"r\",\"time\":\"t\",\"detail\":{}}|event has no \"source\"",
        "unknown source|{\"id\":\"1\",\"source\":\"aws.ec2\",\"detail-type\":\"EC2 Instance State-change Notification\",\"account\":\"1\",\"region\":\"r\",\"time\":\"t\",\"detail\":{}}|unsupported event: source \"aws.ec2\"",
        "alarm without state|{\"id\":\"1\",\"source\":\"aws.cloudwatch\",\"detail-type\":\"CloudWatch Alarm State Change\",\"account\":\"123456789012\",\"region\":\"us-east-1\",\"time\":\"t\",\"detail\":{\"alarmName\":\"a\"}}|alarm event has no alarmName or state.value",
        "empty|''|event is empty"
    })
    void route_should_rejectWithSpecificError_when_eventIsMalformed(String name, String event, String expected) {
        RouterResult result = router().route(event);

        assertThat(result.outcome()).isEqualTo(Outcome.REJECTED);
        assertThat(result.reason()).contains(expected);
        assertThat(starter.calls).isEmpty();
        assertThat(ledger.recentIncidents(10)).isEmpty();
        assertThat(notifications.sent).isEmpty();
    }

    @Test
    void route_should_rejectNamingTheField_when_manualRequestIsInvalid() {
        RouterResult result = router().route(manual("m1",
                "{\"playbook\":\"rollback-lambda-alias\",\"functionName\":\"checkout-api\",\"alias\":\"live\",\"targetVersion\":\"$LATEST\"}"));

        assertThat(result.outcome()).isEqualTo(Outcome.REJECTED);
        assertThat(result.reason()).startsWith("targetVersion: must be a published version number");
        assertThat(starter.calls).isEmpty();
    }

    @Test
    void route_should_releaseLockAndRethrow_when_playbookCannotStart_thenSucceedOnRetry() {
        // GIVEN Step Functions failing once
        starter.failWith = new IllegalStateException("throttled");
        String event = alarm("e1", "checkout-api", "live", "ALARM", "2026-11-22T03:00:00.000+0000");
        IncidentRouter router = router();

        // WHEN the first delivery fails
        assertThatThrownBy(() -> router.route(event)).hasMessage("throttled");

        // THEN the lock is free again and the failure is on the timeline
        assertThat(ledger.lockHolder(functionArn("checkout-api") + ":live")).isEmpty();
        String incidentId = starter.calls.get(0).name();
        assertThat(ledger.timeline(incidentId)).extracting(TimelineEntry::outcome).contains("failed");

        // AND the retried delivery starts the playbook
        starter.failWith = null;
        RouterResult retried = router.route(event);
        assertThat(retried.outcome()).isEqualTo(Outcome.STARTED);
        assertThat(retried.incidentId()).isEqualTo(incidentId);
    }

    @Test
    void route_should_proposeRestoreWithoutStarting_when_rdsFailureIsNotConfiguredToAutoRestore() throws Exception {
        RouterResult result = router().route(rds("r1", "orders-db", "RDS-EVENT-0069", "failure", "Database cluster failure"));

        assertThat(result.outcome()).isEqualTo(Outcome.PROPOSED);
        assertThat(starter.calls).isEmpty();
        assertThat(ledger.incident(result.incidentId())).get().extracting(i -> i.status()).isEqualTo(IncidentStatus.IDENTIFIED);
        assertThat(notifications.sent).singleElement().satisfies(n -> {
            assertThat(n.status()).isEqualTo(IncidentStatus.IDENTIFIED);
            assertThat(n.whatIsNext()).contains("\"clusterId\":\"orders-db\"").contains("\"restoreTime\":\"latest\"");
        });
    }

    @Test
    void route_should_startRestore_when_rdsEventIdIsConfiguredToAutoRestore() {
        env.put("AUTO_RESTORE_EVENT_IDS", "RDS-EVENT-0069");

        RouterResult result = router().route(rds("r1", "orders-db", "RDS-EVENT-0069", "failure", "Database cluster failure"));

        assertThat(result.outcome()).isEqualTo(Outcome.STARTED);
        assertThat(starter.calls).singleElement().satisfies(c -> assertThat(c.stateMachineArn()).isEqualTo(RESTORE_SM));
    }

    @Test
    void route_should_ignore_when_rdsEventIsAFailoverNotice() {
        RouterResult result = router().route(rds("r1", "orders-db", "RDS-EVENT-0071", "failover", "A failover for the DB cluster has completed."));

        assertThat(result.outcome()).isEqualTo(Outcome.IGNORED);
    }

    @Test
    void route_should_proposeFailoverInsteadOfRestore_when_primaryFailed_and_aReaderIsAvailable() throws Exception {
        // GIVEN Aurora's own failover of orders-db failed, and RDS reports its reader orders-db-2 available
        healthyReplicas.put("cluster:orders-db", "orders-db-2");
        env.put("FAIL_OVER_STATE_MACHINE_ARN", "arn:aws:states:us-east-1:123456789012:stateMachine:fail-over-database");
        // WHEN the router sees the event
        RouterResult result = router().route(rds("r1", "orders-db", "RDS-EVENT-0069", "failover", "Database cluster failover failed"));
        // THEN a failover is proposed (not started), with a ready-to-run input that waits for a person
        assertThat(result.outcome()).isEqualTo(Outcome.PROPOSED);
        assertThat(result.playbook()).isEqualTo("fail-over-database");
        assertThat(starter.calls).isEmpty();
        assertThat(notifications.sent).singleElement().satisfies(n -> assertThat(n.whatIsNext())
                .contains("\"clusterId\":\"orders-db\"").contains("\"approval\":true").doesNotContain("restoreTime"));
        assertThat(ledger.incident(result.incidentId())).get().extracting(i -> i.status()).isEqualTo(IncidentStatus.IDENTIFIED);
    }

    @Test
    void route_should_stillProposeRestore_when_noReplicaIsAvailable_or_theEventIsAboutStorage() {
        // a storage event is not solved by a replica (add storage first): restore proposal, even with a healthy reader
        healthyReplicas.put("cluster:orders-db", "orders-db-2");
        RouterResult storage = router().route(rds("r2", "orders-db", "RDS-EVENT-0227", "low storage", "Aurora storage low"));
        assertThat(storage.playbook()).isEqualTo("restore-database-to-point-in-time");
        // no replica: the failed failover proposes a restore, as before
        healthyReplicas.clear();
        RouterResult failed = router().route(rds("r3", "orders-db", "RDS-EVENT-0069", "failover", "Database cluster failover failed"));
        assertThat(failed.outcome()).isEqualTo(Outcome.PROPOSED);
        assertThat(failed.playbook()).isEqualTo("restore-database-to-point-in-time");
    }
}
