package com.drresponder.credentials;

import static org.assertj.core.api.Assertions.assertThat;

import com.drresponder.incident.TimelineEntry;
import com.drresponder.testing.PostgresFixture;
import com.drresponder.testing.PostgresTest;
import com.drresponder.testsupport.AwsEmulator;
import com.drresponder.testsupport.AwsEmulatorTest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * Each rotation inside the credential playbook's Map records itself on the incident timeline: the intent with its undo
 * before RotateSecret (write-ahead), the outcome once the secret is rotated. The timeline alone then says what was
 * rotated, even when the execution never reaches its summary. Real ASL in the emulator, rotation against a real PostgreSQL.
 */
@AwsEmulatorTest
@PostgresTest
class CredentialTimelineIT {
    // generous: on a loaded machine two secrets' rotations through the emulator take minutes
    private static final Duration TIMEOUT = Duration.ofMinutes(6);
    private static final String ROTATE = "Rotate secret";
    private static PostgresFixture postgres;

    private CredentialPlaybookFixture playbook;

    @BeforeAll
    static void startPostgres(PostgresFixture started) {
        postgres = started;
    }

    @BeforeEach
    void setUp(AwsEmulator emulator) {
        // the deployment's rotationMaxChecks (ROTATION_MAX_CHECKS), small: a stuck rotation escalates after 3 checks. A
        // rotation through the emulator finishes inside RotateSecret, so the others need 2 checks a pass.
        playbook = new CredentialPlaybookFixture(emulator, Map.of("ROTATION_MAX_CHECKS", String.valueOf(MAX_CHECKS)));
    }

    static final int MAX_CHECKS = 3;

    @Test
    void rotationMap_should_recordEachSecretsIntentBeforeRotateSecret_andItsOutcome_when_rotatingSeveralSecrets() {
        // GIVEN two opted-in database secrets named by hand
        String a = user();
        String b = user();
        String secretA = playbook.databaseSecret(postgres, a, password(), Map.of("dr:protected", "true"));
        String secretB = playbook.databaseSecret(postgres, b, password(), Map.of("dr:protected", "true"));
        String incident = CredentialPlaybookFixture.newIncidentId();
        int before = playbook.emulator.requests().size(); // the request log spans the whole test JVM

        // WHEN the playbook rotates them
        DescribeExecutionResponse execution = playbook.run(CredentialPlaybookFixture.manualInput(incident,
                Map.of("secretIds", List.of("db/" + a, "db/" + b), "reason", "leaked in a chat")), TIMEOUT);

        // THEN each secret has its own intent (with the undo) and its own outcome naming the new AWSCURRENT version
        assertThat(execution.status()).as(execution.error() + " " + execution.cause()).isEqualTo(ExecutionStatus.SUCCEEDED);
        List<TimelineEntry> timeline = playbook.responder.ledger().timeline(incident);
        List<AwsEmulator.ApiRequest> all = playbook.emulator.requests();
        Instant firstRotateSecret = all.subList(before, all.size()).stream()
                .filter(r -> r.action().equals("RotateSecret") && r.caller().startsWith("drr-state-machine.")).map(AwsEmulator.ApiRequest::at)
                .min(Instant::compareTo).orElseThrow();
        for (String secret : List.of(secretA, secretB)) {
            String name = playbook.secrets.describeSecret(r -> r.secretId(secret)).name();
            TimelineEntry intent = entry(timeline, "started", name);
            TimelineEntry outcome = entry(timeline, "rotated", name);
            assertThat(intent.detail()).contains("RotateSecret with ClientRequestToken");
            assertThat(intent.undo()).contains("update-secret-version-stage --secret-id " + name + " ");
            assertThat(outcome.detail()).contains("AWSCURRENT is now version " + currentVersion(secret));
            assertThat(timeline.indexOf(intent)).as("intent before outcome").isLessThan(timeline.indexOf(outcome));
        }
        // AND the first intent was on the timeline before the first RotateSecret reached Secrets Manager (write-ahead)
        assertThat(timeline.stream().filter(e -> e.action().equals(ROTATE) && e.outcome().equals("started")).map(TimelineEntry::at)
                .min(Instant::compareTo).orElseThrow()).isBefore(firstRotateSecret);
    }

    @Test
    void stoppedExecution_should_leaveTheRotationOnTheTimeline_when_stoppedAfterTheSecretRotated() {
        // GIVEN verification cannot run (every invoke of verify-rotation throttled, retried with backoff)
        String user = user();
        String leaked = password();
        String secret = playbook.databaseSecret(postgres, user, leaked, Map.of("dr:protected", "true"));
        playbook.emulator.injectFault(AwsEmulator.Fault.error("lambda", "Invoke", 429, "TooManyRequestsException")
                .matching("function:verify-rotation").always());
        String incident = CredentialPlaybookFixture.newIncidentId();
        String executionArn = playbook.responder.start(CredentialPlaybookFixture.PLAYBOOK, CredentialPlaybookFixture.manualInput(incident,
                Map.of("secretIds", List.of("db/" + user), "reason", "leaked")));

        // WHEN the secret is rotated and the execution is stopped while it retries the verification
        Instant deadline = Instant.now().plus(TIMEOUT);
        while (playbook.emulator.requests().stream().noneMatch(r -> "TooManyRequestsException".equals(r.fault()))) {
            assertThat(Instant.now()).as("verify-rotation never invoked").isBefore(deadline);
            pause();
        }
        playbook.responder.sfn.stopExecution(b -> b.executionArn(executionArn).error("Killed").cause("stopped after the rotation"));
        DescribeExecutionResponse execution = playbook.responder.awaitExecution(executionArn, Duration.ofSeconds(60));

        // THEN the execution never summarised, yet the timeline says the secret was rotated, with the intent and undo before it
        assertThat(execution.status()).isIn(ExecutionStatus.ABORTED, ExecutionStatus.FAILED);
        assertThat(postgres.canLogIn(user, leaked)).isFalse();
        List<TimelineEntry> timeline = playbook.responder.ledger().timeline(incident);
        assertThat(timeline).filteredOn(e -> e.action().equals("Credential response") && e.outcome().equals("succeeded")).isEmpty();
        TimelineEntry intent = entry(timeline, "started", "db/" + user);
        TimelineEntry outcome = entry(timeline, "rotated", "db/" + user);
        assertThat(intent.undo()).contains("--secret-id db/" + user + " ");
        assertThat(outcome.detail()).contains("Rotated secret db/" + user).contains("AWSCURRENT is now version " + currentVersion(secret));
        assertThat(timeline.indexOf(intent)).isLessThan(timeline.indexOf(outcome));
        // AND no password in any timeline entry
        assertThat(timeline.toString()).doesNotContain(leaked).doesNotContain(playbook.currentPassword(secret));
    }

    /** The one entry of this outcome for the secret named {@code name} (the timeline names secrets, never their values). */
    @Test
    void rotationMap_should_escalateSayingWhy_andNeverRotate_when_anEarlierRotationLeftAWSPENDINGStuck() {
        // GIVEN an opted-in secret with an AWSPENDING version that an earlier, failed rotation left behind
        String user = user();
        String leaked = password();
        String secret = playbook.databaseSecret(postgres, user, leaked, Map.of("dr:protected", "true"));
        String stuck = UUID.randomUUID().toString();
        playbook.secrets.putSecretValue(r -> r.secretId(secret).clientRequestToken(stuck).versionStages("AWSPENDING")
                .secretString(PostgresRotationIT.secretJson(postgres, user, password(), null)));
        String incident = CredentialPlaybookFixture.newIncidentId();

        // WHEN the playbook is asked to rotate it
        DescribeExecutionResponse execution = playbook.run(CredentialPlaybookFixture.manualInput(incident,
                Map.of("secretIds", List.of("db/" + user), "reason", "leaked")), TIMEOUT);

        // THEN it waited the configured checks, then escalated with the reason on the secret's own timeline entry: never
        // "skipped" as done, no RotateSecret started, the leaked password untouched (a person must finish or cancel it)
        assertThat(execution.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(execution.error()).isEqualTo("CredentialResponseEscalated");
        List<TimelineEntry> timeline = playbook.responder.ledger().timeline(incident);
        assertThat(entry(timeline, "escalated", "db/" + user).detail())
                .contains("AWSPENDING is stuck on version " + stuck + " (a rotation that did not finish within " + MAX_CHECKS + " checks)");
        assertThat(timeline).filteredOn(e -> e.action().equals(ROTATE)).extracting(TimelineEntry::outcome).containsExactly("escalated");
        assertThat(postgres.canLogIn(user, leaked)).isTrue();
        assertThat(playbook.responder.ledger().incident(incident)).get().extracting(i -> i.status().name()).isEqualTo("ESCALATED");
    }

    private static TimelineEntry entry(List<TimelineEntry> timeline, String outcome, String name) {
        List<TimelineEntry> found = timeline.stream()
                .filter(e -> e.action().equals(ROTATE) && e.outcome().equals(outcome) && e.detail() != null && e.detail().contains(name + ":")).toList();
        assertThat(found).as("%s / %s for %s in %s", ROTATE, outcome, name, timeline).hasSize(1);
        return found.get(0);
    }

    private String currentVersion(String secret) {
        return playbook.secrets.describeSecret(r -> r.secretId(secret)).versionIdsToStages().entrySet().stream()
                .filter(e -> e.getValue().contains("AWSCURRENT")).map(Map.Entry::getKey).findFirst().orElseThrow();
    }

    private static String user() {
        return "u_" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static String password() {
        return "Pw-" + UUID.randomUUID();
    }

    private static void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
