package com.drresponder.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.drresponder.events.RepositoryFiles;
import com.drresponder.rollback.RollbackEstate;
import com.drresponder.testsupport.AwsEmulator;
import com.drresponder.testsupport.AwsEmulatorTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudwatch.model.StateValue;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * Event-to-alias-updated wall time in the emulator, and the AWS API calls on that path: 20 alarm
 * transitions, each routed by the real router, run by the real ASL and Java steps, until the alias moved.
 * The first run pays every worker's cold start; the median is over all 20. Not a timed test: it writes
 * target/benchmarks/rollback-latency.md. Run:
 * {@code ./mvnw -B -pl functions -am verify -Dtest=RollbackLatencyBenchmark -Dsurefire.failIfNoSpecifiedTests=false -DskipITs}
 */
@AwsEmulatorTest
class RollbackLatencyBenchmark {
    static final int RUNS = Integer.getInteger("bench.runs", 20);

    @Test
    void eventToAliasUpdated(AwsEmulator emulator) throws Exception {
        RollbackEstate estate = RollbackEstate.deploy(emulator, Map.of("VERIFY_WINDOW_SECONDS", "30",
                "ROLLBACK_COOLDOWN_MINUTES", "0", "MAX_ROLLBACKS_PER_HOUR", "1000000"));
        String event = RepositoryFiles.read(RollbackEstate.ALARM_EVENT);
        List<Long> millis = new ArrayList<>();
        Map<String, Long> calls = null;
        String path = null;
        for (int run = 0; run < RUNS; run++) {
            // GIVEN the alias back on 3 and a new alarm transition
            estate.lambda.updateAlias(b -> b.functionName(RollbackEstate.FUNCTION).name("live").functionVersion("3"));
            RollbackEstate.setAlarm(estate.cloudWatch, StateValue.ALARM);
            String transition = event.replace("2024-03-15T10:02:41.321+0000", "2024-03-15T10:%02d:00.000+0000".formatted(run));
            emulator.clearRequests();

            // WHEN the event reaches the router; THEN time until the alias moved
            Instant sent = Instant.now();
            String executionArn = RollbackPlaybookTiming.route(estate, transition);
            while (estate.aliasVersion().equals("3")) {
                assertThat(Duration.between(sent, Instant.now())).isLessThan(Duration.ofSeconds(60));
                Thread.sleep(20);
            }
            millis.add(Duration.between(sent, Instant.now()).toMillis());
            if (run == RUNS - 1) {
                calls = callsUntilAliasUpdated(emulator.requests());
                path = pathUntilAliasUpdated(emulator.requests(), sent);
            }
            RollbackEstate.setAlarm(estate.cloudWatch, StateValue.OK);
            assertThat(estate.responder.awaitExecution(executionArn, Duration.ofSeconds(60)).status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        }
        List<Long> sorted = millis.stream().sorted().toList();
        long total = calls.values().stream().mapToLong(Long::longValue).sum();
        String report = "runs: " + RUNS + ", first (cold workers): " + millis.get(0) + " ms, median: " + sorted.get(sorted.size() / 2)
                + " ms, min: " + sorted.get(0) + " ms, max: " + sorted.get(sorted.size() - 1) + " ms\n\n"
                + "AWS API calls from event to alias updated (last run): " + total + "\n\n| caller service:action | calls |\n|---|---|\n"
                + calls.entrySet().stream().map(e -> "| " + e.getKey() + " | " + e.getValue() + " |").collect(Collectors.joining("\n")) + "\n\n"
                + "Where the time goes (last run): each request from the event to the UpdateAlias, when the emulator received it (ms after\n"
                + "the event was sent), how long its caller waited for the answer and the CPU the emulator spent serving it\n\n" + path;
        Path out = Path.of("target", "benchmarks", "rollback-latency.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report, StandardCharsets.UTF_8);
        System.out.println(report);
        assertThat(millis).hasSize(RUNS);
    }

    /** Calls by the responder (Java functions and the Step Functions engine), up to the UpdateAlias; the benchmark's own calls excluded. */
    static Map<String, Long> callsUntilAliasUpdated(List<AwsEmulator.ApiRequest> requests) {
        Map<String, Long> byAction = new TreeMap<>();
        for (AwsEmulator.ApiRequest r : requests) {
            if (r.client().equals("test")) {
                continue;
            }
            byAction.merge((r.client().equals("boto3") ? "step functions " : "java ") + r.service() + ":" + r.action(), 1L, Long::sum);
            if (r.action().equals("UpdateAlias")) {
                return byAction;
            }
        }
        throw new AssertionError("no UpdateAlias in " + requests);
    }

    /** The requests from the event (the test's Invoke of the router) to the UpdateAlias, in the order the emulator received them. */
    static String pathUntilAliasUpdated(List<AwsEmulator.ApiRequest> requests, Instant sent) {
        StringBuilder table = new StringBuilder("| received at ms | caller service:action | answer ms | serving CPU ms |\n|---|---|---|---|\n");
        for (AwsEmulator.ApiRequest r : requests) {
            if (r.client().equals("test") && !r.action().equals("Invoke")) {
                continue; // the benchmark's own GetAlias polls
            }
            table.append("| %d | %s | %.0f | %.0f |%n".formatted(Duration.between(sent, r.at()).toMillis(), EmulatorCost.kind(r), r.millis(), r.cpuMillis()));
            if (r.action().equals("UpdateAlias")) {
                return table.toString();
            }
        }
        throw new AssertionError("no UpdateAlias in " + requests);
    }

    /** Routing through the deployed router function, as EventBridge would deliver the event. */
    static final class RollbackPlaybookTiming {
        static String route(RollbackEstate estate, String event) {
            var response = estate.responder.invoke("IncidentRouter", event);
            assertThat(response.functionError()).as(response.payload().asUtf8String()).isNull();
            var result = com.drresponder.testing.LocalResponder.json(response.payload().asUtf8String());
            assertThat(result.get("outcome").asText()).as(result.toString()).isEqualTo("STARTED");
            return result.get("executionArn").asText();
        }
    }
}
