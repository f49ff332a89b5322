package com.drresponder.credentials;

import static org.assertj.core.api.Assertions.assertThat;

import com.drresponder.incident.IncidentStatus;
import com.drresponder.incident.TimelineEntry;
import com.drresponder.ledger.DynamoDbLedger;
import com.drresponder.router.RoutedPlaybookInputs;
import com.drresponder.testing.EmulatorClients;
import com.drresponder.testsupport.AwsEmulator;
import com.drresponder.testsupport.AwsEmulator.Fault;
import com.drresponder.testsupport.AwsEmulatorTest;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.StatusType;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * AWS failing the credential response's first containment change, the state machine's UpdateAccessKey that sets the
 * finding's key Inactive, one class of fault at a time: throttling is ridden out, a persistent 5xx is a recorded
 * failure after the write-ahead undo with a released lock, AccessDenied escalates naming the action and the role, and
 * a lost answer to an applied deactivation is retried to the same end state and recorded once (setting a key
 * Inactive is idempotent). No secrets are involved: the finding names an IAM user's key.
 */
@AwsEmulatorTest
class CredentialFaultsIT {
    static final Duration TIMEOUT = Duration.ofMinutes(3);
    static final String USER = "ci-deployer";

    AwsEmulator emulator;
    CredentialPlaybookFixture playbook;
    IamClient iam;
    String keyId;
    String incidentId;

    @BeforeEach
    void setUp(AwsEmulator emulator) {
        this.emulator = emulator;
        playbook = new CredentialPlaybookFixture(emulator);
        iam = EmulatorClients.client(IamClient.builder(), emulator);
        iam.createUser(r -> r.userName(USER).tags(t -> t.key("dr:protected").value("true")));
        keyId = iam.createAccessKey(r -> r.userName(USER)).accessKey().accessKeyId();
        incidentId = CredentialPlaybookFixture.newIncidentId();
        emulator.clearRequests();
    }

    @AfterEach
    void tearDown() {
        emulator.clearFaults();
        iam.listAccessKeys(r -> r.userName(USER)).accessKeyMetadata().forEach(k -> iam.deleteAccessKey(r -> r.userName(USER).accessKeyId(k.accessKeyId())));
        iam.listUserPolicies(r -> r.userName(USER)).policyNames().forEach(p -> iam.deleteUserPolicy(r -> r.userName(USER).policyName(p)));
        iam.deleteUser(r -> r.userName(USER));
    }

    @Test
    void throttlingBurst_should_beRiddenOut_when_updateAccessKeyIsThrottled() {
        // GIVEN IAM throttling the deactivation twice (IAM's Throttling is unmodeled: Step Functions names it Iam.IamException)
        emulator.injectFault(Fault.error("iam", "UpdateAccessKey", 400, "Throttling").times(2));

        // WHEN the finding's response runs
        DescribeExecutionResponse execution = run();

        // THEN the key went Inactive on the third attempt and the containment is recorded as done
        assertThat(calls("UpdateAccessKey")).extracting(AwsEmulator.ApiRequest::fault).containsExactly("Throttling", "Throttling", null);
        assertThat(keyStatus()).isEqualTo(StatusType.INACTIVE);
        assertThat(steps()).containsSubsequence("Contain IAM user/started", "Contain IAM user/succeeded")
                .noneMatch(s -> s.endsWith("/failed") || s.endsWith("/access denied"));
        assertThat(execution.status()).as(steps().toString()).isEqualTo(ExecutionStatus.SUCCEEDED);
    }

    @Test
    void persistent5xx_should_endInRecordedFailureAfterTheUndo_andReleaseTheLock() {
        // GIVEN IAM answering every UpdateAccessKey with a 500
        emulator.injectFault(Fault.error("iam", "UpdateAccessKey", 500, "ServiceFailure").always());

        // WHEN the finding's response runs
        DescribeExecutionResponse execution = run();

        // THEN after the retries the failure is recorded, the write-ahead entry before it holding the undo
        assertThat(execution.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(execution.error()).isEqualTo("CredentialResponseFailed");
        assertThat(calls("UpdateAccessKey")).as("the state machine's retries").hasSizeGreaterThan(1)
                .allSatisfy(r -> assertThat(r.fault()).isEqualTo("ServiceFailure"));
        List<TimelineEntry> timeline = ledger().timeline(incidentId);
        assertThat(timeline).filteredOn(e -> e.action().equals("Contain IAM user")).singleElement().satisfies(e -> {
            assertThat(e.outcome()).isEqualTo("started");
            assertThat(e.undo()).contains("aws iam update-access-key --user-name " + USER + " --access-key-id " + keyId + " --status Active");
        });
        assertThat(timeline).last().satisfies(e -> {
            assertThat(e.outcome()).isEqualTo("failed");
            assertThat(e.detail()).contains("ServiceFailure");
        });
        assertThat(incidentStatus()).isEqualTo(IncidentStatus.FAILED);
        assertThat(ledger().lock(lockKey())).as("lock released").isEmpty();
        assertThat(keyStatus()).isEqualTo(StatusType.ACTIVE);
    }

    @Test
    void accessDenied_should_escalateNamingTheActionAndTheRole() {
        // GIVEN IAM refusing the deactivation (the message names neither the action nor the role: the playbook must)
        emulator.injectFault(Fault.error("iam", "UpdateAccessKey", 403, "AccessDenied").message("Access denied").always());

        // WHEN the finding's response runs
        DescribeExecutionResponse execution = run();

        // THEN it escalates, naming action and role for whoever fixes the grant
        assertThat(execution.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(execution.error()).as(steps().toString()).isEqualTo("AccessDenied");
        String role = "arn:aws:iam::" + emulator.accountId() + ":role/dr-playbooks";
        assertThat(ledger().timeline(incidentId)).last().satisfies(e -> {
            assertThat(e.outcome()).isEqualTo("access denied");
            assertThat(e.detail()).contains("iam:UpdateAccessKey").contains(role).contains("changed nothing");
        });
        assertThat(incidentStatus()).isEqualTo(IncidentStatus.ESCALATED);
        assertThat(playbook.responder.notificationTexts()).anySatisfy(n -> assertThat(n).contains("Escalated").contains("iam:UpdateAccessKey").contains(role));
        assertThat(ledger().lock(lockKey())).as("lock released").isEmpty();
        assertThat(keyStatus()).isEqualTo(StatusType.ACTIVE);
    }

    @Test
    void lostResponse_should_deactivateAndRecordOnce_when_updateAccessKeyAnswerIsLost() {
        // GIVEN IAM applying the first UpdateAccessKey but its answer never arriving (a 500 after the change)
        emulator.injectFault(Fault.lostResponse("iam", "UpdateAccessKey"));

        // WHEN the finding's response runs
        DescribeExecutionResponse execution = run();

        // THEN the retry set the same Inactive status (idempotent), and the containment is recorded once, as done
        assertThat(calls("UpdateAccessKey")).extracting(AwsEmulator.ApiRequest::fault).containsExactly("InternalFailure", null);
        assertThat(keyStatus()).isEqualTo(StatusType.INACTIVE);
        assertThat(steps()).filteredOn(s -> s.startsWith("Contain IAM user/")).containsExactly("Contain IAM user/started", "Contain IAM user/succeeded");
        assertThat(steps()).noneMatch(s -> s.endsWith("/failed") || s.endsWith("/access denied"));
        assertThat(execution.status()).as(steps().toString()).isEqualTo(ExecutionStatus.SUCCEEDED);
    }

    DescribeExecutionResponse run() {
        ObjectNode input = RoutedPlaybookInputs.guardDuty("iam-credential-exfiltration.json", incidentId, false);
        ((ObjectNode) input.get("principal")).put("userName", USER).put("userType", "IAMUser").put("accessKeyId", keyId)
                .put("arn", "arn:aws:iam::123456789012:user/" + USER);
        return playbook.runRouted(input, TIMEOUT);
    }

    StatusType keyStatus() {
        return iam.listAccessKeys(r -> r.userName(USER)).accessKeyMetadata().stream().filter(k -> k.accessKeyId().equals(keyId))
                .findFirst().orElseThrow().status();
    }

    List<String> steps() {
        return ledger().timeline(incidentId).stream().map(e -> e.action() + "/" + e.outcome()).collect(Collectors.toList());
    }

    /** The responder's calls of {@code action} (the test's own left out), oldest first. */
    List<AwsEmulator.ApiRequest> calls(String action) {
        return emulator.requests().stream().filter(r -> r.action().equals(action) && !r.client().equals("test")).toList();
    }

    IncidentStatus incidentStatus() {
        return ledger().incident(incidentId).orElseThrow().status();
    }

    String lockKey() {
        return ledger().incident(incidentId).orElseThrow().resource();
    }

    DynamoDbLedger ledger() {
        return playbook.responder.ledger();
    }
}
