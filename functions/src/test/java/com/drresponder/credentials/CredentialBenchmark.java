package com.drresponder.credentials;

import static org.assertj.core.api.Assertions.assertThat;

import com.drresponder.testing.PostgresFixture;
import com.drresponder.testing.PostgresTest;
import com.drresponder.testsupport.AwsEmulator;
import com.drresponder.testsupport.AwsEmulatorTest;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * Benchmark, not a test (its name matches neither surefire's nor failsafe's patterns): time from the start of the
 * playbook to every secret rotated and verified, for 1 and 50 PostgreSQL secrets (Map MaxConcurrency 5).
 * Run: {@code ./mvnw -B -pl functions -am test -Dtest=CredentialBenchmark -Dsurefire.failIfNoSpecifiedTests=false}
 */
@AwsEmulatorTest
@PostgresTest
class CredentialBenchmark {

    @Test
    void timeToRotate(AwsEmulator emulator, PostgresFixture postgres) {
        for (int n : new int[] {1, 50}) {
            emulator.reset();
            // the warm run rotates the same secrets again at once: without the cooldown, which would rightly refuse it
            CredentialPlaybookFixture playbook = new CredentialPlaybookFixture(emulator, Map.of("CREDENTIAL_COOLDOWN_MINUTES", "0"));
            for (int i = 0; i < n; i++) {
                playbook.databaseSecret(postgres, "bench_" + n + "_" + i, "Pw-bench-" + n + "-" + i, Map.of("dr:protected", "true", "app", "bench"));
            }
            long start = System.nanoTime();
            DescribeExecutionResponse execution = playbook.run(CredentialPlaybookFixture.manualInput(CredentialPlaybookFixture.newIncidentId(),
                    Map.of("tag", "app=bench", "reason", "benchmark")), Duration.ofMinutes(20));
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertThat(execution.status()).as(execution.cause()).isEqualTo(ExecutionStatus.SUCCEEDED);
            System.out.printf("BENCHMARK credential-response secrets=%d wall_ms=%d (cold workers)%n", n, millis);
            start = System.nanoTime();
            execution = playbook.run(CredentialPlaybookFixture.manualInput(CredentialPlaybookFixture.newIncidentId(),
                    Map.of("tag", "app=bench", "reason", "benchmark")), Duration.ofMinutes(20));
            millis = (System.nanoTime() - start) / 1_000_000;
            assertThat(execution.status()).as(execution.cause()).isEqualTo(ExecutionStatus.SUCCEEDED);
            System.out.printf("BENCHMARK credential-response secrets=%d wall_ms=%d (warm workers)%n", n, millis);
        }
    }

}
