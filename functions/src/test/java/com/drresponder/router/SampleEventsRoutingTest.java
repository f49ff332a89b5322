package com.drresponder.router;

import static org.assertj.core.api.Assertions.assertThat;

import com.drresponder.common.Settings;
import com.drresponder.events.RepositoryFiles;
import com.drresponder.ledger.InMemoryLedger;
import com.drresponder.router.RouterResult.Outcome;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every event in events/ (as AWS emits them, and the manual requests) through the router, against an
 * estate where checkout-api, orders-db, billing-db, payments-db (with a healthy read replica) and the compromised role are protected. A new
 * sample without an expectation here fails the build.
 */
class SampleEventsRoutingTest {
    static final String ACCOUNT_PREFIX = "arn:aws:%s:us-east-1:123456789012:";

    /** file -> expected outcome, playbook, lock key (resource) or reason fragment. */
    record Expected(Outcome outcome, String playbook, String resourceOrReason) {}

    static final Map<String, Expected> EXPECTED = Map.ofEntries(
            Map.entry("samples/cloudwatch/lambda-errors-alarm.json", started("rollback-lambda-alias", lambda("checkout-api:live"))),
            Map.entry("samples/cloudwatch/lambda-metric-math-alarm.json", started("rollback-lambda-alias", lambda("checkout-api:live"))),
            Map.entry("samples/cloudwatch/composite-alarm.json", started("rollback-lambda-alias", lambda("checkout-api:live"))),
            Map.entry("samples/cloudwatch/lambda-errors-ok.json", ignored("only ALARM starts a rollback")),
            Map.entry("samples/cloudwatch/composite-alarm-actions-suppressed.json", ignored("its actions are suppressed (actionsSuppressedBy Alarm")),
            Map.entry("samples/cloudwatch/unprotected-function-alarm.json", ignored("not protected")),
            Map.entry("samples/rds/billing-db-instance-failure.json", proposed(rds("db:billing-db"))),
            // payments-db has a read replica RDS reports available: a failover is proposed, not a restore
            Map.entry("samples/rds/payments-db-instance-failure.json", new Expected(Outcome.PROPOSED, "fail-over-database", rds("db:payments-db"))),
            Map.entry("samples/rds/billing-db-instance-storage-full.json", proposed(rds("db:billing-db"))),
            Map.entry("samples/rds/billing-db-instance-storage-full-shutdown.json", proposed(rds("db:billing-db"))),
            Map.entry("samples/rds/billing-db-instance-restarted.json", ignored("needs no recovery")),
            Map.entry("samples/rds/billing-db-instance-restored.json", ignored("needs no recovery")),
            Map.entry("samples/rds/orders-db-cluster-failover-failed.json", proposed(rds("cluster:orders-db"))),
            Map.entry("samples/rds/orders-db-storage-low.json", proposed(rds("cluster:orders-db"))),
            Map.entry("samples/rds/orders-db-cluster-failover-completed.json", ignored("needs no recovery")),
            Map.entry("samples/rds/orders-db-cluster-created-from-restore.json", ignored("needs no recovery")),
            // delivered to rds-wait (rule rds-wait-events), never to the router: the router refuses the detail-type
            Map.entry("samples/rds/orders-db-cluster-snapshot-created.json",
                    rejected("unsupported event: source \"aws.rds\", detail-type \"RDS DB Cluster Snapshot Event\"")),
            Map.entry("samples/rds/billing-db-snapshot-created.json",
                    rejected("unsupported event: source \"aws.rds\", detail-type \"RDS DB Snapshot Event\"")),
            // rds-wait's too (a rename and a restored copy's instance): RDS events that need no recovery
            Map.entry("samples/rds/orders-db-cluster-renamed.json", ignored("needs no recovery")),
            Map.entry("samples/rds/orders-db-restored-instance-created.json", ignored("needs no recovery")),
            Map.entry("samples/guardduty/iam-credential-exfiltration.json",
                    started("respond-to-credential-compromise", "arn:aws:iam::123456789012:role/orders-app-instance-role")),
            Map.entry("samples/guardduty/rds-anomalous-login.json", started("respond-to-credential-compromise", rds("cluster:orders-db"))),
            // nothing leaked: the playbook only notifies (FindingActionsRoutingTest proves it rotates nothing)
            // the finaliser's events: the router is not their target, and refuses one sent to it
            Map.entry("samples/stepfunctions/execution-aborted.json", rejected("unsupported event: source \"aws.states\"")),
            Map.entry("samples/stepfunctions/execution-timed-out.json", rejected("unsupported event: source \"aws.states\"")),
            Map.entry("samples/guardduty/rds-failed-login.json", started("respond-to-credential-compromise", rds("cluster:orders-db"))),
            Map.entry("samples/guardduty/low-severity-recon.json", ignored("below the threshold")),
            // alias changes: their rule targets the alias-history recorder (AliasHistoryRecorderTest), never the router
            Map.entry("samples/cloudtrail/lambda-update-alias.json", rejected("unsupported event: source \"aws.lambda\"")),
            Map.entry("samples/cloudtrail/lambda-create-alias.json", rejected("unsupported event: source \"aws.lambda\"")),
            Map.entry("samples/cloudtrail/lambda-update-alias-denied.json", rejected("unsupported event: source \"aws.lambda\"")),
            Map.entry("manual/rollback-valid.json", started("rollback-lambda-alias", lambda("checkout-api:live"))),
            Map.entry("manual/rollback-to-version-valid.json", started("rollback-lambda-alias", lambda("checkout-api:live"))),
            Map.entry("manual/rollback-invalid-missing-alias.json", rejected("alias: is required")),
            Map.entry("manual/rollback-invalid-version.json", rejected("targetVersion: must be a published version number")),
            Map.entry("manual/restore-valid.json", new Expected(Outcome.DRY_RUN, "restore-database-to-point-in-time", rds("cluster:orders-db"))),
            Map.entry("manual/restore-drill.json", started("restore-database-to-point-in-time", rds("cluster:orders-db"))),
            Map.entry("manual/restore-invalid-time.json", rejected("restoreTime: must be \"latest\" or an ISO-8601 instant")),
            Map.entry("manual/restore-invalid-both-ids.json", rejected("give exactly one of clusterId")),
            Map.entry("manual/respond-valid.json", started("respond-to-credential-compromise", "secrets:orders-db/master")),
            Map.entry("manual/respond-invalid-empty.json", rejected("secretIds: must name at least one secret")),
            Map.entry("manual/respond-invalid-scope-widening.json", rejected("principal: is not accepted in a manual request")),
            Map.entry("manual/failover-valid.json", started("fail-over-database", rds("db:billing-db"))),
            Map.entry("manual/failover-invalid-unknown-field.json", rejected("targetRegion: is not a known field of fail-over-database")));

    static Stream<String> eventFiles() {
        return Stream.concat(RepositoryFiles.jsonFiles("events/samples").stream(), RepositoryFiles.jsonFiles("events/manual").stream())
                .map(p -> RepositoryFiles.resolve("events").relativize(p).toString().replace('\\', '/'));
    }

    @Test
    void everyEventFile_should_haveAnExpectation() {
        TreeSet<String> files = eventFiles().collect(Collectors.toCollection(TreeSet::new));
        assertThat(files)
                .as("classify new samples in SampleEventsRoutingTest.EXPECTED")
                .isEqualTo(new TreeSet<>(EXPECTED.keySet()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("eventFiles")
    void route_should_decideAsExpected_when_givenEachSample(String file) {
        // GIVEN a fresh estate in enforce mode
        RouterFakes.Tags tags = new RouterFakes.Tags()
                .tag(ACCOUNT_PREFIX.formatted("lambda") + "function:checkout-api", "dr:protected", "true")
                .tag(ACCOUNT_PREFIX.formatted("cloudwatch") + "alarm:checkout-api-live-health", AlarmEventClassifier.FUNCTION_TAG, "checkout-api")
                .tag(ACCOUNT_PREFIX.formatted("cloudwatch") + "alarm:checkout-api-live-health", AlarmEventClassifier.ALIAS_TAG, "live")
                .tag(rds("cluster:orders-db"), "dr:protected", "true")
                .tag(rds("db:billing-db"), "dr:protected", "true")
                .tag(rds("db:payments-db"), "dr:protected", "true")
                .tag("arn:aws:iam::123456789012:role/orders-app-instance-role", "dr:protected", "true");
        Settings settings = Settings.from(Map.of("LEDGER_TABLE", "ledger", "TOPIC_ARN", "arn:aws:sns:us-east-1:123456789012:dr",
                "DR_MODE", "enforce", "PROTECTED_RESOURCES", "*",
                "ROLLBACK_STATE_MACHINE_ARN", ACCOUNT_PREFIX.formatted("states") + "stateMachine:rollback-lambda-alias",
                "RESTORE_STATE_MACHINE_ARN", ACCOUNT_PREFIX.formatted("states") + "stateMachine:restore-database-to-point-in-time",
                "CREDENTIALS_STATE_MACHINE_ARN", ACCOUNT_PREFIX.formatted("states") + "stateMachine:respond-to-credential-compromise",
                "FAIL_OVER_STATE_MACHINE_ARN", ACCOUNT_PREFIX.formatted("states") + "stateMachine:fail-over-database"));
        RouterFakes.Starter starter = new RouterFakes.Starter();
        RdsTopology topology = new RdsTopology() {
            @Override
            public Optional<String> clusterOf(String id) {
                return id.startsWith("orders-db-instance") ? Optional.of("orders-db") : Optional.empty();
            }

            @Override
            public Optional<String> healthyReplicaOf(String id, boolean cluster) {
                return !cluster && id.equals("payments-db") ? Optional.of("payments-db-replica") : Optional.empty();
            }
        };
        IncidentRouter router = new IncidentRouter(settings, TestEvents.DEPLOYMENT, tags, topology, new InMemoryLedger(), new RouterFakes.Notifications(), starter,
                Clock.fixed(Instant.parse("2026-11-22T03:00:00Z"), ZoneOffset.UTC));

        // WHEN the event is routed
        RouterResult result = router.route(RepositoryFiles.read("events/" + file));

        // THEN the decision is the expected one, and only STARTED starts anything
        Expected expected = EXPECTED.get(file);
        assertThat(result.outcome()).as(file + ": " + result.reason()).isEqualTo(expected.outcome());
        assertThat(starter.calls).hasSize(expected.outcome() == Outcome.STARTED ? 1 : 0);
        if (expected.playbook() != null) {
            assertThat(result.playbook()).isEqualTo(expected.playbook());
        }
        if (expected.resourceOrReason() != null) {
            if (expected.outcome() == Outcome.IGNORED || expected.outcome() == Outcome.REJECTED) {
                assertThat(result.reason()).contains(expected.resourceOrReason());
            } else {
                assertThat(result.resource()).isEqualTo(expected.resourceOrReason());
            }
        }
    }

    private static Expected started(String playbook, String resource) {
        return new Expected(Outcome.STARTED, playbook, resource);
    }

    private static Expected proposed(String resource) {
        return new Expected(Outcome.PROPOSED, "restore-database-to-point-in-time", resource);
    }

    private static Expected ignored(String reason) {
        return new Expected(Outcome.IGNORED, null, reason);
    }

    private static Expected rejected(String error) {
        return new Expected(Outcome.REJECTED, null, error);
    }

    private static String lambda(String functionAndAlias) {
        return ACCOUNT_PREFIX.formatted("lambda") + "function:" + functionAndAlias;
    }

    private static String rds(String resource) {
        return ACCOUNT_PREFIX.formatted("rds") + resource;
    }
}
