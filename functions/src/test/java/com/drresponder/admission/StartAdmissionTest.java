package com.drresponder.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.drresponder.common.Json;
import com.drresponder.incident.Incident;
import com.drresponder.incident.IncidentStatus;
import com.drresponder.incident.Severity;
import com.drresponder.ledger.InMemoryLedger;
import com.drresponder.playbook.InvalidRequestException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A playbook's first step, attacked the way a caller of StartExecution would: each bad start is refused
 * with a specific error and leaves the ledger as it was (no incident, no lock taken or released).
 */
class StartAdmissionTest {
    static final Deployment DEPLOYMENT = new Deployment("aws", "123456789012", "us-east-1");
    static final String FUNCTION_ARN = "arn:aws:lambda:us-east-1:123456789012:function:checkout-api";
    static final String ORDERS_DB = "arn:aws:rds:us-east-1:123456789012:cluster:orders-db";
    static final String ROLLBACK = "rollback-lambda-alias";
    static final String RESTORE = "restore-database-to-point-in-time";
    static final Instant NOW = Instant.parse("2026-11-22T03:00:00Z");

    final InMemoryLedger ledger = new InMemoryLedger();
    final Map<String, Map<String, String>> tags = new HashMap<>(Map.of(
            FUNCTION_ARN, Map.of("dr:protected", "true"),
            ORDERS_DB, Map.of("dr:protected", "true"),
            "arn:aws:lambda:us-east-1:123456789012:function:billing-api", Map.of("dr:protected", "true")));

    StartAdmission admission(Set<String> allowList, boolean deploymentDryRun) {
        return new StartAdmission(new ManualRequests(DEPLOYMENT),
                new ProtectionPolicy(arn -> tags.getOrDefault(arn, Map.of()), "dr:protected", allowList), deploymentDryRun, ledger,
                Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofMinutes(120));
    }

    StartAdmission admission() {
        return admission(Set.of(FUNCTION_ARN, ORDERS_DB), false);
    }

    static ObjectNode rollback(String incidentId) {
        return Json.object().put("incidentId", incidentId).put("functionName", "checkout-api").put("alias", "live");
    }

    @Test
    void admit_should_openIncidentAndLockDerivedKey_when_directStartIsValid() {
        // WHEN an operator starts the rollback playbook directly
        Incident incident = admission().admit(ROLLBACK, "manual-1", rollback("manual-1").put("severity", "P2"));

        // THEN the incident is open on the lock key derived from the deployment and the request
        assertThat(incident.resource()).isEqualTo(FUNCTION_ARN + ":live");
        assertThat(incident.severity()).isEqualTo(Severity.P2);
        assertThat(ledger.lockHolder(FUNCTION_ARN + ":live")).contains("manual-1");
        assertThat(ledger.incident("manual-1")).get().extracting(Incident::status).isEqualTo(IncidentStatus.INVESTIGATING);
    }

    @Test
    void sameInput_should_matchRouterStoredInput_when_ledgerRedactedCredentialShapedText() {
        // GIVEN a routed request whose reason looks like a credential: the ledger stores it redacted
        ObjectNode request = rollback("routed-1").put("reason", "on-call says password=hunter2 leaked in a ticket");
        String stored = com.drresponder.notify.SecretRedactor.redact(request.toString());

        // WHEN / THEN the execution the router started is still recognised, and a different request is not
        assertThat(stored).doesNotContain("hunter2");
        assertThat(StartAdmission.sameInput(stored, request)).isTrue();
        assertThat(StartAdmission.sameInput(stored, rollback("routed-1").put("reason", "something else"))).isFalse();
    }

    @Test
    void admit_should_rejectAndChangeNothing_when_callerSuppliesAnotherLockKey() {
        // GIVEN a start that names a made-up lock key, to dodge the lock of the real alias
        ObjectNode attack = rollback("manual-2").put("lockKey", "arn:aws:lambda:us-east-1:123456789012:function:checkout-api:other");

        // WHEN / THEN
        assertThatThrownBy(() -> admission().admit(ROLLBACK, "manual-2", attack))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("lockKey: is derived from the request; leave it out (it would be " + FUNCTION_ARN
                        + ":live), got \"arn:aws:lambda:us-east-1:123456789012:function:checkout-api:other\"");
        assertNothingWritten("manual-2");
    }

    @Test
    void admit_should_accept_when_callerSuppliedLockKeyEqualsTheDerivedOne() {
        Incident incident = admission().admit(ROLLBACK, "manual-3", rollback("manual-3").put("lockKey", FUNCTION_ARN + ":live"));

        assertThat(incident.resource()).isEqualTo(FUNCTION_ARN + ":live");
    }

    @Test
    void admit_should_rejectAndChangeNothing_when_incidentIdIsNotTheExecutionName() {
        assertThatThrownBy(() -> admission().admit(ROLLBACK, "exec-7", rollback("victim-incident")))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageStartingWith("incidentId: must equal the execution name (exec-7)");
        assertNothingWritten("victim-incident");
    }

    @Test
    void admit_should_rejectAndLeaveVictimsLock_when_incidentIdOfAnotherIncidentIsReused() {
        // GIVEN the router's incident on checkout-api:live holding the lock
        ObjectNode routed = rollback("rollback-checkout-api-live-1").put("lockKey", FUNCTION_ARN + ":live").put("severity", "P2")
                .put("dryRun", false).put("alarmName", "checkout-api-errors");
        routerOpened(routed, FUNCTION_ARN + ":live");

        // WHEN an attacker starts an execution with the same name and incident id but another input
        ObjectNode attack = routed.deepCopy().put("functionName", "billing-api");

        // THEN the incident is not theirs: rejected, and the victim's incident and lock are untouched
        assertThatThrownBy(() -> admission().admit(ROLLBACK, "rollback-checkout-api-live-1", attack))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("incidentId: rollback-checkout-api-live-1 belongs to another request; start a new incident instead");
        assertThat(ledger.lockHolder(FUNCTION_ARN + ":live")).contains("rollback-checkout-api-live-1");
        assertThat(ledger.timeline("rollback-checkout-api-live-1")).isEmpty();
    }

    @Test
    void admit_should_rejectAndChangeNothing_when_incidentIdOfAnotherPlaybookIsReused() {
        ObjectNode routed = rollback("shared-id").put("lockKey", FUNCTION_ARN + ":live");
        routerOpened(routed, FUNCTION_ARN + ":live");

        assertThatThrownBy(() -> admission().admit(RESTORE, "shared-id", routed))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("incidentId: shared-id belongs to another request; start a new incident instead");
        assertThat(ledger.lockHolder(FUNCTION_ARN + ":live")).contains("shared-id");
    }

    @Test
    void admit_should_admitRouterStart_when_executionCarriesTheInputTheRouterAdmitted() {
        // GIVEN the router opened the incident for a GuardDuty finding (fields only a finding may carry)
        ObjectNode routed = Json.object().put("incidentId", "credentials-role-1").put("lockKey", "arn:aws:iam::123456789012:role/app")
                .put("severity", 8.0).put("dryRun", false);
        routed.putObject("principal").put("arn", "arn:aws:iam::123456789012:role/app");
        routerOpened(routed, "arn:aws:iam::123456789012:role/app");

        // WHEN the execution the router started reaches its first step (Step Functions re-serialised 8.0 as 8)
        JsonNode asDelivered = routed.deepCopy().put("severity", 8);
        Incident incident = admission().admit("respond-to-credential-compromise", "credentials-role-1", asDelivered);

        // THEN it is the router's incident, admitted without a second one
        assertThat(incident.id()).isEqualTo("credentials-role-1");
        assertThat(ledger.recentIncidents(10)).hasSize(1);
    }

    @Test
    void admit_should_rejectAndChangeNothing_when_directStartCarriesFindingFields() {
        // GIVEN a direct start that adds the IAM user to act on, as only a GuardDuty finding may
        ObjectNode attack = Json.object().put("incidentId", "manual-4");
        attack.putArray("secretIds").add("orders-db/master");
        attack.putObject("principal").put("arn", "arn:aws:iam::123456789012:user/admin").put("userName", "admin");

        assertThatThrownBy(() -> admission().admit("respond-to-credential-compromise", "manual-4", attack))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("principal: is not accepted in a manual request: only a GuardDuty finding sets it");
        assertNothingWritten("manual-4");
    }

    @Test
    void admit_should_rejectAndChangeNothing_when_resourceIsTaggedButNotAllowListed() {
        // GIVEN billing-api carries the opt-in tag but is not in PROTECTED_RESOURCES
        ObjectNode attack = rollback("manual-5").put("functionName", "billing-api");

        assertThatThrownBy(() -> admission().admit(ROLLBACK, "manual-5", attack))
                .isInstanceOf(StartAdmission.NotAdmittedException.class)
                .hasMessage("not protected: arn:aws:lambda:us-east-1:123456789012:function:billing-api is not in the allow-list (PROTECTED_RESOURCES)");
        assertNothingWritten("manual-5");
    }

    @Test
    void admit_should_rejectAndChangeNothing_when_optInTagIsTrueInAnotherCase() {
        // GIVEN checkout-api allow-listed but tagged dr:protected=True: IAM's StringEquals on the tag would deny every action
        tags.put(FUNCTION_ARN, Map.of("dr:protected", "True"));

        assertThatThrownBy(() -> admission().admit(ROLLBACK, "manual-6", rollback("manual-6")))
                .isInstanceOf(StartAdmission.NotAdmittedException.class)
                .hasMessage("not protected: " + FUNCTION_ARN + " is not tagged dr:protected=true");
        assertNothingWritten("manual-6");
    }

    @Test
    void admit_should_rejectSecondStart_when_sameDatabaseIsSpelledInAnotherCase() {
        // GIVEN a restore of Orders-DB admitted and holding the lock
        ObjectNode first = Json.object().put("incidentId", "restore-1").put("clusterId", "Orders-DB").put("restoreTime", "latest");
        assertThat(admission().admit(RESTORE, "restore-1", first).resource()).isEqualTo(ORDERS_DB);

        // WHEN a second restore names orders-db
        ObjectNode second = Json.object().put("incidentId", "restore-2").put("clusterId", "orders-db").put("restoreTime", "latest");

        // THEN it is the same database, so the same lock: refused
        assertThatThrownBy(() -> admission().admit(RESTORE, "restore-2", second))
                .isInstanceOf(StartAdmission.ResourceBusyException.class)
                .hasMessage(ORDERS_DB + " is held by incident restore-1; not starting a second playbook on it");
        assertThat(ledger.incident("restore-2")).isEmpty();
    }

    @Test
    void admit_should_rejectAndChangeNothing_when_deploymentIsDryRunAndRequestIsNot() {
        assertThatThrownBy(() -> admission(Set.of(FUNCTION_ARN), true).admit(ROLLBACK, "manual-6", rollback("manual-6")))
                .isInstanceOf(StartAdmission.NotAdmittedException.class)
                .hasMessage("dryRun must be true: the deployment is in dry-run mode (DR_MODE)");
        assertNothingWritten("manual-6");
    }

    @Test
    void admit_should_rejectAndChangeNothing_when_reasonIsNear256KB() {
        ObjectNode attack = rollback("manual-7").put("reason", "x".repeat(250_000));

        assertThatThrownBy(() -> admission().admit(ROLLBACK, "manual-7", attack))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("reason: must be at most 1024 characters, got 250000");
        assertNothingWritten("manual-7");
    }

    @Test
    void admit_should_rejectAndChangeNothing_when_requestIsTooLargeWithoutAnyLongField() {
        ObjectNode attack = Json.object().put("incidentId", "manual-8").put("clusterId", "orders-db").put("restoreTime", "latest");
        ObjectNode rows = attack.putObject("verify").put("secretId", "orders-db/master").putObject("rowCounts");
        for (int i = 0; i < 4000; i++) {
            rows.put("table_" + i, 1);
        }

        assertThatThrownBy(() -> admission().admit(RESTORE, "manual-8", attack))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageStartingWith("request: must be at most 32768 bytes of JSON, got ");
        assertNothingWritten("manual-8");
    }

    @Test
    void admit_should_rejectAndChangeNothing_when_secretArnBelongsToAnotherAccount() {
        ObjectNode attack = Json.object().put("incidentId", "manual-9");
        attack.putArray("secretIds").add("arn:aws:secretsmanager:us-east-1:210987654321:secret:orders-db/master-AbCdEf");

        assertThatThrownBy(() -> admission().admit("respond-to-credential-compromise", "manual-9", attack))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("secretIds: a secret ARN must be in this deployment (arn:aws:secretsmanager:us-east-1:123456789012:secret:...), "
                        + "got \"arn:aws:secretsmanager:us-east-1:210987654321:secret:orders-db/master-AbCdEf\"");
        assertNothingWritten("manual-9");
    }

    private void routerOpened(ObjectNode input, String lockKey) {
        String id = input.get("incidentId").asText();
        ledger.acquireLock(lockKey, id, NOW, NOW.plusSeconds(3600));
        ledger.openIncident(new Incident(id, input.has("principal") ? "respond-to-credential-compromise" : ROLLBACK, lockKey, "alarm:x",
                Severity.P2, IncidentStatus.INVESTIGATING, null, "routed", Json.write(input), NOW, NOW));
    }

    private void assertNothingWritten(String incidentId) {
        assertThat(ledger.incident(incidentId)).isEmpty();
        assertThat(ledger.lockHolder(FUNCTION_ARN + ":live")).isEmpty();
        assertThat(ledger.recentIncidents(10)).isEmpty();
    }
}
