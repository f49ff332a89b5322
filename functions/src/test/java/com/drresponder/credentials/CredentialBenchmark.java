package com.drresponder.credentials;

import static org.assertj.core.api.Assertions.assertThat;

import com.drresponder.bench.EmulatorCost;
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
 * Per run it also writes what the run asked of the emulator ({@link EmulatorCost}: requests per secret by caller and
 * service:action, the emulator's CPU seconds) to target/benchmarks/credential-response-&lt;secrets&gt;-&lt;cold|warm&gt;.md;
 * {@code -Dbench.secrets=50} runs one size only; {@code DRR_MOTO_PROFILE=1} in the environment adds the emulator's CPU profile.
 * Run: {@code ./mvnw -B -pl functions -am test -Dtest=CredentialBenchmark -Dsurefire.failIfNoSpecifiedTests=false}
 */
@AwsEmulatorTest
@PostgresTest
class CredentialBenchmark {

    @Test
    void timeToRotate(AwsEmulator emulator, PostgresFixture postgres) {
        for (int n : java.util.Arrays.stream(System.getProperty("bench.secrets", "1,50").split(",")).mapToInt(Integer::parseInt).toArray()) {
            emulator.reset();
            // the warm run rotates the same secrets again at once: without the cooldown, which would rightly refuse it
            CredentialPlaybookFixture playbook = new CredentialPlaybookFixture(emulator, Map.of("CREDENTIAL_COOLDOWN_MINUTES", "0"));
            for (int i = 0; i < n; i++) {
                playbook.databaseSecret(postgres, "bench_" + n + "_" + i, "Pw-bench-" + n + "-" + i, Map.of("dr:protected", "true", "app", "bench"));
            }
            for (String workers : new String[] {"cold", "warm"}) {
                String load = loadAverage();
                EmulatorCost cost = EmulatorCost.start(emulator);
                long start = System.nanoTime();
                DescribeExecutionResponse execution = playbook.run(CredentialPlaybookFixture.manualInput(CredentialPlaybookFixture.newIncidentId(),
                        Map.of("tag", "app=bench", "reason", "benchmark")), Duration.ofMinutes(20));
                long millis = (System.nanoTime() - start) / 1_000_000;
                EmulatorCost.Report report = cost.finish("%d secrets, %s workers, %s".formatted(n, workers, execution.status()), n);
                report.write("credential-response-%d-%s".formatted(n, workers)); // a failed run's figures too
                assertThat(execution.status()).as(execution.cause()).isEqualTo(ExecutionStatus.SUCCEEDED);
                // wall: start to SUCCEEDED and the history scanned for secrets; execution: the engine's start to stop
                System.out.printf("BENCHMARK credential-response secrets=%d wall_ms=%d execution_ms=%d (%s workers) %s load=%s -> %s%n", n, millis,
                        Duration.between(execution.startDate(), execution.stopDate()).toMillis(), workers, report.line(), load, loadAverage());
            }
        }
    }

    private static String loadAverage() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim().replaceAll(" \\S+ \\S+$", "");
        } catch (java.io.IOException e) {
            return "?";
        }
    }

}
