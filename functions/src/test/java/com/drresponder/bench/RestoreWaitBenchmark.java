package com.drresponder.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.drresponder.common.Json;
import com.drresponder.playbook.RestoreRequest;
import com.drresponder.testing.EmulatorClients;
import com.drresponder.testing.LocalResponder;
import com.drresponder.testing.PlaybookExecutions;
import com.drresponder.testing.RestoreEstate;
import com.drresponder.testsupport.AwsEmulator;
import com.drresponder.testsupport.AwsEmulatorTest;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;

/**
 * The restore's orchestration overhead per waited phase, event-driven against poll-only, with RDS taking a
 * controlled time per snapshot/database ({@link AwsEmulator#delayRds}). A phase's overhead is the time from the
 * state that starts watching it ({@code Track ...}) to the state after the dispatcher, minus the time RDS took (the
 * delay). Poll-only is the same ASL with the rule {@code rds-wait-events} disabled: each wait then ends by its timeout,
 * {@code pollSeconds}, as a Wait state did before. Not a timed test: it writes target/benchmarks/restore-waits.md. Run:
 * {@code ./mvnw -B -pl functions -am verify -Dtest=RestoreWaitBenchmark -Dsurefire.failIfNoSpecifiedTests=false -DskipITs}
 * ({@code -Dbench.rdsSeconds}, {@code -Dbench.pollSeconds}, {@code -Dbench.runs} change the defaults 20, 30, 2).
 */
@AwsEmulatorTest
class RestoreWaitBenchmark {
    static final int RDS_SECONDS = Integer.getInteger("bench.rdsSeconds", 20);
    static final int POLL_SECONDS = Integer.getInteger("bench.pollSeconds", 30);
    static final int RUNS = Integer.getInteger("bench.runs", 2);
    static final Duration RUN_LIMIT = Duration.ofMinutes(15);
    /** Phase -> the state that starts watching it and the state the dispatcher goes to when it is done. */
    static final Map<String, List<String>> PHASES = Map.of("snapshot", List.of("Track pre-restore snapshot", "Record snapshot"),
            "restore", List.of("Track restore", "Remember restored endpoint"));

    @Test
    void overheadPerPhase(AwsEmulator emulator) throws Exception {
        RdsClient rds = EmulatorClients.of(emulator, RdsClient.builder());
        RestoreEstate.protectedInstance(emulator, rds, "billing-db");
        LocalResponder responder = LocalResponder.create(emulator).functionsOf(RestoreRequest.PLAYBOOK);
        responder.eventRule("rds-wait-events");
        PlaybookExecutions executions = new PlaybookExecutions(responder, RestoreEstate.deployPlaybook(responder, RestoreRequest.PLAYBOOK),
                "restore-waits", "Check progress", List.of(), null,
                Duration.ofMinutes(1));
        emulator.delayRds(Duration.ofSeconds(RDS_SECONDS));
        StringBuilder report = new StringBuilder("| mode | run | phase | RDS time | phase wall | overhead |\n|---|---|---|---|---|---|\n");
        Map<String, List<Double>> totals = new LinkedHashMap<>();
        for (String mode : List.of("event-driven", "poll-only")) {
            if (mode.equals("poll-only")) {
                responder.disableEventRule("rds-wait-events");
            }
            for (int run = 1; run <= RUNS; run++) {
                String id = "restore-bench-" + UUID.randomUUID().toString().substring(0, 8);
                ObjectNode input = Json.object().put("incidentId", id).put("instanceId", "billing-db").put("restoreTime", "latest")
                        .put("cutover", "none").put("pollSeconds", POLL_SECONDS).put("targetId", "billing-db-restored-" + id.substring(id.length() - 8));
                DescribeExecutionResponse done = executions.await(executions.start(input), RUN_LIMIT);
                assertThat(done.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
                List<HistoryEvent> events = executions.events(done.executionArn());
                double total = 0;
                for (var phase : PHASES.entrySet()) {
                    double wall = between(events, phase.getValue().get(0), phase.getValue().get(1));
                    double overhead = wall - RDS_SECONDS;
                    total += overhead;
                    report.append("| %s | %d | %s | %d s | %.1f s | %.1f s |%n".formatted(mode, run, phase.getKey(), RDS_SECONDS, wall, overhead));
                }
                totals.computeIfAbsent(mode, m -> new ArrayList<>()).add(total);
            }
        }
        report.append("\nOverhead per run, both phases (the first run of each mode includes worker cold starts):\n");
        totals.forEach((mode, list) -> report.append("- %s: %s s%n".formatted(mode, list.stream().map(d -> "%.1f".formatted(d)).toList())));
        report.append("\nRDS delay %d s, pollSeconds %d, load average %s%n".formatted(RDS_SECONDS, POLL_SECONDS,
                Files.readString(Path.of("/proc/loadavg")).trim()));
        Path out = Path.of("target/benchmarks/restore-waits.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report.toString());
        System.out.println("BENCHMARK restore-waits\n" + report);
    }

    /** Seconds from the first entry of {@code from} to the first entry of {@code to} after it. */
    static double between(List<HistoryEvent> events, String from, String to) {
        Instant start = null;
        for (HistoryEvent e : events) {
            if (e.stateEnteredEventDetails() == null) {
                continue;
            }
            if (start == null && e.stateEnteredEventDetails().name().equals(from)) {
                start = e.timestamp();
            } else if (start != null && e.stateEnteredEventDetails().name().equals(to)) {
                return Duration.between(start, e.timestamp()).toMillis() / 1000.0;
            }
        }
        throw new AssertionError("no " + from + " -> " + to + " in the history");
    }
}
