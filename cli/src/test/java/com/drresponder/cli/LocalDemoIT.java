package com.drresponder.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `drctl local demo`, the README's "run it" command: its own emulator, every sample replayed, the rollback resolved. */
class LocalDemoIT {
    @TempDir Path dir;

    @Test
    void demo_should_resolveTheRollbackAndStopEverything_when_run() {
        System.setProperty("drresponder.harness.logDir", Path.of("target", "demo-logs").toAbsolutePath().toString());
        Instant start = Instant.now();

        Cli.Run r = Cli.run(dir.resolve("drctl.json"), "local", "demo");

        Duration took = Duration.between(start, Instant.now());
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).contains("samples/cloudwatch/lambda-errors-alarm.json").contains("-> STARTED")
                .contains("-> JOINED").contains("-> REJECTED").contains("[ok] Update alias").contains("summary");
        String summary = r.out().substring(r.out().lastIndexOf("summary"));
        assertThat(summary).containsPattern("rollback-checkout-api-live-\\S+ +rollback-lambda-alias +\\S+ +RESOLVED +\\d+(\\.\\d)?s");
        assertThat(took).isLessThan(Duration.ofMinutes(2));
        System.out.println("drctl local demo took " + took.toMillis() + " ms");
    }
}
