package com.drresponder.admission;

import static org.assertj.core.api.Assertions.assertThat;

import com.drresponder.common.Json;
import com.drresponder.incident.Incident;
import com.drresponder.incident.IncidentStatus;
import com.drresponder.incident.Severity;
import com.drresponder.ledger.DynamoDbLedger;
import com.drresponder.rollback.RollbackEstate;
import com.drresponder.testing.LocalResponder;
import com.drresponder.testsupport.AwsEmulator;
import com.drresponder.testsupport.AwsEmulatorTest;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * Direct StartExecution of the real rollback ASL in the emulator, as an attacker holding
 * states:StartExecution would send it. The playbook's first step admits the way the router does: each
 * attack fails the execution with RequestRejected and a specific cause, and no function of the
 * responder makes a single mutating AWS call (the emulator's request log).
 */
@AwsEmulatorTest
class DirectStartAdmissionIT {
    /** Reads: anything else a responder function or the Step Functions engine calls counts as a change. */
    static final Pattern READ = Pattern.compile("(Get|List|Describe|Query|Scan|BatchGet|Invoke).*");

    AwsEmulator emulator;
    RollbackEstate estate;
    LocalResponder responder;
    String aliasLockKey;

    @BeforeEach
    void deploy(AwsEmulator emulator) {
        this.emulator = emulator;
        // only checkout-api is allow-listed; billing-api below carries the tag but is not listed
        String checkoutArn = "arn:aws:lambda:" + emulator.region() + ":" + emulator.accountId() + ":function:" + RollbackEstate.FUNCTION;
        estate = RollbackEstate.deploy(emulator, Map.of("VERIFY_WINDOW_SECONDS", "30", "PROTECTED_RESOURCES", checkoutArn));
        responder = estate.responder;
        aliasLockKey = estate.functionArn + ":live";
        String billing = emulator.createJavaFunction("billing-api", "example.Handler::handleRequest", Map.of());
        estate.lambda.tagResource(b -> b.resource(billing).tags(Map.of("dr:protected", "true")));
        estate.lambda.publishVersion(b -> b.functionName("billing-api"));
        estate.lambda.createAlias(b -> b.functionName("billing-api").name("live").functionVersion("1"));
    }

    ObjectNode rollback(String incidentId) {
        return Json.object().put("incidentId", incidentId).put("functionName", RollbackEstate.FUNCTION).put("alias", "live").put("severity", "P2");
    }

    @Test
    void start_should_failWithoutChanges_when_callerSuppliesAnotherLockKey() {
        ObjectNode attack = rollback("attack-lock-key").put("lockKey", aliasLockKey + "-elsewhere");

        DescribeExecutionResponse execution = startAsAttacker("attack-lock-key", attack);

        assertRejected(execution, "lockKey: is derived from the request; leave it out (it would be " + aliasLockKey + ")");
        assertThat(responder.ledger().incident("attack-lock-key")).isEmpty();
    }

    @Test
    void start_should_failWithoutChanges_when_requestCarriesScopeWideningField() {
        ObjectNode attack = rollback("attack-principal");
        attack.putObject("principal").put("arn", "arn:aws:iam::" + emulator.accountId() + ":user/admin");

        DescribeExecutionResponse execution = startAsAttacker("attack-principal", attack);

        assertRejected(execution, "principal: is not accepted in a manual request: only a GuardDuty finding sets it");
    }

    @Test
    void start_should_failWithoutChanges_when_functionIsTaggedButNotAllowListed() {
        ObjectNode attack = rollback("attack-unlisted").put("functionName", "billing-api");

        DescribeExecutionResponse execution = startAsAttacker("attack-unlisted", attack);

        assertRejected(execution, "not protected: arn:aws:lambda:us-east-1:" + emulator.accountId()
                + ":function:billing-api is not in the allow-list (PROTECTED_RESOURCES)");
    }

    @Test
    void start_should_failWithoutReleasingVictimsLock_when_incidentIdOfAnotherIncidentIsReused() {
        // GIVEN the router's incident holding the alias lock
        DynamoDbLedger ledger = responder.ledger();
        ObjectNode routed = rollback("rollback-checkout-api-live-0123456789abcdef").put("lockKey", aliasLockKey).put("dryRun", false)
                .put("alarmName", RollbackEstate.ALARM);
        Instant now = Instant.now();
        ledger.acquireLock(aliasLockKey, routed.get("incidentId").asText(), now, now.plusSeconds(3600));
        ledger.openIncident(new Incident(routed.get("incidentId").asText(), "rollback-lambda-alias", aliasLockKey, "alarm:x", Severity.P2,
                IncidentStatus.INVESTIGATING, null, "routed", routed.toString(), now, now));

        // WHEN an attacker starts an execution under that incident's name with a changed input
        ObjectNode attack = routed.deepCopy().put("targetVersion", "1");
        DescribeExecutionResponse execution = startAsAttacker(routed.get("incidentId").asText(), attack);

        // THEN it is rejected, changes nothing, and the victim still holds its lock (a third taker is refused)
        assertRejected(execution, "incidentId: rollback-checkout-api-live-0123456789abcdef belongs to another request");
        assertThat(ledger.acquireLock(aliasLockKey, "third", Instant.now(), Instant.now().plusSeconds(60)).holder())
                .isEqualTo(routed.get("incidentId").asText());
        assertThat(ledger.timeline(routed.get("incidentId").asText())).isEmpty();
    }

    private DescribeExecutionResponse startAsAttacker(String name, ObjectNode input) {
        emulator.clearRequests();
        String arn = responder.stateMachineArns.get("rollback-lambda-alias");
        String executionArn = responder.sfn.startExecution(b -> b.stateMachineArn(arn).name(name).input(input.toString())).executionArn();
        return responder.awaitExecution(executionArn, Duration.ofSeconds(60));
    }

    private void assertRejected(DescribeExecutionResponse execution, String cause) {
        assertThat(execution.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(execution.error()).isEqualTo("RequestRejected");
        assertThat(execution.cause()).contains(cause);
        List<AwsEmulator.ApiRequest> changes = emulator.requests().stream()
                .filter(r -> !"test".equals(r.client()) && !READ.matcher(r.action()).matches()).toList();
        assertThat(changes).as("mutating calls by the responder").isEmpty();
        assertThat(estate.aliasVersion()).isEqualTo("3");
        assertThat(responder.notifications()).isEmpty();
    }
}
