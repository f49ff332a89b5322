package com.drresponder.router;

import static com.drresponder.router.TestEvents.alarm;
import static com.drresponder.router.TestEvents.envelope;
import static com.drresponder.router.TestEvents.functionArn;
import static com.drresponder.router.TestEvents.manual;
import static org.assertj.core.api.Assertions.assertThat;

import com.drresponder.admission.Deployment;
import com.drresponder.common.Json;
import com.drresponder.common.Settings;
import com.drresponder.events.RepositoryFiles;
import com.drresponder.ledger.InMemoryLedger;
import com.drresponder.router.RouterResult.Outcome;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The router's trust boundary, attacked as an attacker (or a misdirected event) would: each case gets a
 * specific rejection or an ignore with its reason, and starts, records and locks nothing.
 */
class RouterTrustBoundaryTest {
    static final String CLUSTER_ARN = "arn:aws:rds:us-east-1:123456789012:cluster:orders-db";
    static final String ROLE_ARN = "arn:aws:iam::123456789012:role/orders-app-instance-role";

    final InMemoryLedger ledger = new InMemoryLedger();
    final RouterFakes.Starter starter = new RouterFakes.Starter();
    final RouterFakes.Tags tags = new RouterFakes.Tags()
            .tag(functionArn("checkout-api"), "dr:protected", "true")
            .tag(CLUSTER_ARN, "dr:protected", "true")
            .tag(ROLE_ARN, "dr:protected", "true")
            .tag("arn:aws-cn:iam::123456789012:role/orders-app-instance-role", "dr:protected", "true");
    final List<String> tagLookups = new ArrayList<>();

    IncidentRouter router(Deployment deployment) {
        Settings settings = Settings.from(Map.of("LEDGER_TABLE", "ledger", "TOPIC_ARN", "arn:aws:sns:us-east-1:123456789012:dr",
                "DR_MODE", "enforce", "PROTECTED_RESOURCES", "*",
                "ROLLBACK_STATE_MACHINE_ARN", "arn:aws:states:us-east-1:123456789012:stateMachine:rollback-lambda-alias",
                "RESTORE_STATE_MACHINE_ARN", "arn:aws:states:us-east-1:123456789012:stateMachine:restore-database-to-point-in-time",
                "CREDENTIALS_STATE_MACHINE_ARN", "arn:aws:states:us-east-1:123456789012:stateMachine:respond-to-credential-compromise"));
        return new IncidentRouter(settings, deployment, arn -> {
            tagLookups.add(arn);
            return tags.tagsOf(arn);
        }, id -> Optional.empty(), ledger, new RouterFakes.Notifications(), starter, Clock.fixed(Instant.parse("2026-11-22T03:00:05Z"), ZoneOffset.UTC));
    }

    IncidentRouter router() {
        return router(TestEvents.DEPLOYMENT);
    }

    @Test
    void route_should_rejectAndStartNothing_when_manualRequestCarriesScopeWideningFields() {
        for (String field : List.of("\"principal\":{\"arn\":\"arn:aws:iam::123456789012:user/admin\"}", "\"actions\":[\"block-ips\"]",
                "\"blockIps\":[\"0.0.0.0\"]", "\"database\":{\"clusterId\":\"orders-db\"}")) {
            // GIVEN a manual credential request that adds a field only a GuardDuty finding may set
            String event = manual("m-" + field.hashCode(), "{\"playbook\":\"respond-to-credential-compromise\",\"secretIds\":[\"orders-db/master\"]," + field + "}");

            // WHEN it is routed
            RouterResult result = router().route(event);

            // THEN it is rejected as not accepted from an operator, and nothing happens
            String name = field.substring(1, field.indexOf('"', 1));
            assertThat(result.outcome()).isEqualTo(Outcome.REJECTED);
            assertThat(result.reason()).isEqualTo(name + ": is not accepted in a manual request: only a GuardDuty finding sets it");
        }
        assertNothingHappened();
    }

    @Test
    void route_should_rejectAndStartNothing_when_manualRequestNamesLockKeyOrIncidentId() {
        RouterResult lockKey = router().route(manual("m1", "{\"playbook\":\"rollback-lambda-alias\",\"functionName\":\"checkout-api\","
                + "\"alias\":\"live\",\"lockKey\":\"free-lock\"}"));
        RouterResult incidentId = router().route(manual("m2", "{\"playbook\":\"rollback-lambda-alias\",\"functionName\":\"checkout-api\","
                + "\"alias\":\"live\",\"incidentId\":\"someone-elses-incident\"}"));

        assertThat(lockKey.reason()).startsWith("lockKey: is not a known field of rollback-lambda-alias; allowed: ");
        assertThat(incidentId.reason()).startsWith("incidentId: is not a known field of rollback-lambda-alias; allowed: ");
        assertNothingHappened();
    }

    @Test
    void route_should_rejectAndStartNothing_when_manualReasonIsNear256KB() {
        ObjectNode detail = Json.object().put("playbook", "rollback-lambda-alias").put("functionName", "checkout-api").put("alias", "live")
                .put("reason", "x".repeat(255 * 1024));

        RouterResult result = router().route(manual("m3", detail.toString()));

        assertRefusedWithNothingDone(result, Outcome.REJECTED, "reason: must be at most 1024 characters, got 261120");
    }

    @Test
    void route_should_lockTheSameKey_when_databaseNameDiffersOnlyInCase() throws Exception {
        String restore = "{\"playbook\":\"restore-database-to-point-in-time\",\"clusterId\":\"%s\",\"restoreTime\":\"latest\"}";

        RouterResult upper = router().route(manual("r1", restore.formatted("Orders-DB")));
        RouterResult lower = router().route(manual("r2", restore.formatted("orders-db")));

        assertThat(upper.outcome()).isEqualTo(Outcome.STARTED);
        assertThat(upper.resource()).isEqualTo(CLUSTER_ARN);
        assertThat(Json.MAPPER.readTree(starter.calls.get(0).input()).get("clusterId").asText()).isEqualTo("orders-db");
        assertThat(lower.outcome()).isEqualTo(Outcome.JOINED);
        assertThat(lower.incidentId()).isEqualTo(upper.incidentId());
        assertThat(starter.calls).hasSize(1);
    }

    @Test
    void route_should_ignoreAndLookNothingUp_when_alarmComesFromAnotherAccount() {
        String foreign = alarm("a1", "checkout-api", "live", "ALARM", "2026-11-22T03:00:00.000+0000").replace("\"account\":\"123456789012\"",
                "\"account\":\"210987654321\"");

        RouterResult result = router().route(foreign);

        assertRefusedWithNothingDone(result, Outcome.IGNORED, "event from account 210987654321 in us-east-1; this deployment acts only in account 123456789012 in us-east-1");
    }

    @Test
    void route_should_ignore_when_alarmComesFromAnotherRegion() {
        RouterResult result = router().route(alarm("a2", "checkout-api", "live", "ALARM", "2026-11-22T03:00:00.000+0000")
                .replace("\"region\":\"us-east-1\"", "\"region\":\"eu-west-1\""));

        assertThat(result.outcome()).isEqualTo(Outcome.IGNORED);
        assertThat(result.reason()).contains("event from account 123456789012 in eu-west-1");
        assertNothingHappened();
    }

    @Test
    void route_should_ignore_when_guardDutyFindingIsAboutAMemberAccount() throws Exception {
        // GIVEN a finding delivered in this (administrator) account about a member account's same-named role
        ObjectNode event = (ObjectNode) Json.MAPPER.readTree(RepositoryFiles.read("events/samples/guardduty/iam-credential-exfiltration.json"));
        ((ObjectNode) event.get("detail")).put("accountId", "210987654321");

        RouterResult result = router().route(event.toString());

        // THEN the responder does not act on its own role of that name
        assertRefusedWithNothingDone(result, Outcome.IGNORED, "GuardDuty finding: event from account 210987654321 in us-east-1; this deployment acts only in account 123456789012 in us-east-1");
    }

    @Test
    void route_should_buildArnsInTheDeploymentsPartition_when_deployedOutsideTheAwsPartition() throws Exception {
        // GIVEN the responder deployed in the China partition, and a finding from its account and region
        Deployment china = new Deployment("aws-cn", "123456789012", "cn-north-1");
        ObjectNode event = (ObjectNode) Json.MAPPER.readTree(RepositoryFiles.read("events/samples/guardduty/iam-credential-exfiltration.json"));
        event.put("region", "cn-north-1");
        ((ObjectNode) event.get("detail")).put("region", "cn-north-1");

        RouterResult result = router(china).route(event.toString());

        // THEN the principal's ARN is in aws-cn, not a hard-coded aws
        assertThat(result.outcome()).isEqualTo(Outcome.STARTED);
        assertThat(result.resource()).isEqualTo("arn:aws-cn:iam::123456789012:role/orders-app-instance-role");
        assertThat(Json.MAPPER.readTree(starter.calls.get(0).input()).at("/principal/arn").asText())
                .isEqualTo("arn:aws-cn:iam::123456789012:role/orders-app-instance-role");
    }

    @Test
    void route_should_ignoreAndRecordWhy_when_alarmActionsAreSuppressed() {
        RouterResult result = router().route(RepositoryFiles.read("events/samples/cloudwatch/composite-alarm-actions-suppressed.json"));

        assertRefusedWithNothingDone(result, Outcome.IGNORED, "alarm checkout-api-live-health is in ALARM but its actions are suppressed (actionsSuppressedBy Alarm: "
                + "Alarm checkout-api-maintenance-window is in ALARM state); starting nothing");
    }

    @Test
    void route_should_rejectWithoutException_when_rdsSourceArnIsNeitherInstanceNorCluster() {
        String detail = "{\"EventCategories\":[\"failure\"],\"SourceType\":\"CLUSTER\",\"SourceArn\":\"arn:aws:rds:us-east-1:123456789012:snapshot:x\","
                + "\"Date\":\"2026-11-22T03:00:00.000Z\",\"Message\":\"m\",\"SourceIdentifier\":\"x\",\"EventID\":\"RDS-EVENT-0069\"}";

        RouterResult result = router().route(envelope("r3", "aws.rds", "RDS DB Cluster Event", "", detail));

        assertRefusedWithNothingDone(result, Outcome.REJECTED, "RDS event SourceArn is not a DB instance or cluster ARN (arn:...:rds:...:db:<id> or :cluster:<id>): "
                + "\"arn:aws:rds:us-east-1:123456789012:snapshot:x\"");
    }

    @Test
    void route_should_rejectWithoutLookingUpTags_when_alarmResourceIsNotAnArn() {
        String detail = "{\"alarmName\":\"composite\",\"state\":{\"value\":\"ALARM\",\"reason\":\"r\",\"timestamp\":\"2026-11-22T03:00:00.000+0000\"},"
                + "\"configuration\":{\"alarmRule\":\"ALARM(x)\"}}";

        RouterResult result = router().route(envelope("a3", "aws.cloudwatch", "CloudWatch Alarm State Change", "\"not-an-arn\"", detail));

        assertRefusedWithNothingDone(result, Outcome.REJECTED, "alarm event resources[0] is not a CloudWatch alarm ARN: \"not-an-arn\"");
    }

    private void assertNothingHappened() {
        assertThat(starter.calls).isEmpty();
        assertThat(ledger.recentIncidents(10)).isEmpty();
        assertThat(tagLookups).isEmpty();
    }

    /** The router ignored or rejected the event for this reason, and touched nothing. */
    private void assertRefusedWithNothingDone(RouterResult result, Outcome outcome, String reason) {
        assertThat(result.outcome()).isEqualTo(outcome);
        assertThat(result.reason()).isEqualTo(reason);
        assertNothingHappened();
    }
}
