package com.drresponder.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `drctl local demo`, the README's "run it" command: its own emulator and embedded PostgreSQL, every sample replayed;
 * the rollback, the credential response (password really rotated) and the restore drill (copy deleted, source
 * untouched) resolved. The estate is gone with the run, so the demo's own checks (printed, exit code) are asserted.
 */
class LocalDemoIT {
    @TempDir Path dir;

    @Test
    void demo_should_resolveRollbackCredentialResponseAndDrill_when_run() {
        System.setProperty("drresponder.harness.logDir", Path.of("target", "demo-logs").toAbsolutePath().toString());
        Instant start = Instant.now();

        Cli.Run r = Cli.run(dir.resolve("drctl.json"), "local", "demo");

        Duration took = Duration.between(start, Instant.now());
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).contains("samples/cloudwatch/lambda-errors-alarm.json").contains("-> STARTED")
                .contains("-> JOINED").contains("-> REJECTED").contains("[ok] Update alias").contains("summary");
        String summary = r.out().substring(r.out().lastIndexOf("summary"));
        assertThat(summary).containsPattern("rollback-checkout-api-live-\\S+ +rollback-lambda-alias +\\S+ +RESOLVED +\\d+(\\.\\d)?s");
        // the GuardDuty IAM finding names a role that is deliberately not protected; the manual response rotates orders-db/master
        assertThat(r.out()).containsPattern("guardduty/iam-credential-exfiltration.json +-> IGNORED +not protected")
                .containsPattern("manual/respond-valid.json +-> STARTED +respond-to-credential-compromise")
                .containsPattern("manual/restore-drill.json +-> STARTED +restore-database-to-point-in-time");
        assertThat(summary).containsPattern("credentials-orders-db-master-\\S+ +respond-to-credential-compromise +secrets:orders-db/master +RESOLVED")
                .containsPattern("restore-orders-db-\\S+ +restore-database-to-point-in-time +\\S+:cluster:orders-db +RESOLVED");
        // checked against the embedded PostgreSQL and moto after the incidents ended
        assertThat(summary).contains("[ok]   orders-db/master: password rotated; the old password no longer logs in; the new one (AWSCURRENT) logs in")
                .contains("[ok]   drill: temporary copy deleted (no cluster but orders-db left); orders-db untouched");
        assertThat(r.out()).contains("Verify").contains("Drill cleaned up").doesNotContainPattern("demo-[0-9a-f]{36}");
        // a figure, not a pass mark: timing belongs to docs/BENCHMARKS.md, and shared CI machines vary
        System.out.println("drctl local demo took " + took.toMillis() + " ms");
    }
}
