package com.drresponder.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.drresponder.rollback.AlarmStorm;
import com.drresponder.rollback.AlarmStorm.Routed;
import com.drresponder.testsupport.AwsEmulator;
import com.drresponder.testsupport.AwsEmulatorTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * The {@link AlarmStorm} (1,000 events over 50 s, 20 protected aliases) measured: time to mitigate per alias
 * (first ALARM delivery for the alias sent -> the emulator received its UpdateAlias), the router's invocations
 * and their latency as the sender saw it, and the AWS calls per incident, from the emulator's request log.
 * Not a timed test: it asserts only that the storm worked, and writes target/benchmarks/alarm-storm.md. Run:
 * {@code ./mvnw -B -pl functions -am verify -Dtest=AlarmStormBenchmark -Dsurefire.failIfNoSpecifiedTests=false -DskipITs}
 */
@AwsEmulatorTest
class AlarmStormBenchmark {
    static final Duration SPREAD = Duration.ofSeconds(Long.getLong("bench.spreadSeconds", 50));
    static final int SENDERS = Integer.getInteger("bench.senders", 16);

    @Test
    void alarmStorm(AwsEmulator emulator) throws Exception {
        String loadBefore = Files.readString(Path.of("/proc/loadavg")).trim();
        AlarmStorm storm = AlarmStorm.deploy(emulator, Map.of("VERIFY_WINDOW_SECONDS", "900", "VERIFY_POLL_SECONDS", "3"));
        List<AlarmStorm.Delivery> events = storm.events(16);
        emulator.clearRequests();

        Instant start = Instant.now();
        List<Routed> routed = storm.send(events, SPREAD, SENDERS);
        Instant allAnswered = Instant.now();
        String loadDuring = Files.readString(Path.of("/proc/loadavg")).trim();
        Map<String, Instant> mitigatedAt = awaitUpdates(emulator, storm, Duration.ofMinutes(5));
        storm.clearAlarms();
        String stateMachine = storm.responder.stateMachineArns.get("rollback-lambda-alias");
        storm.responder.sfn.listExecutionsPaginator(b -> b.stateMachineArn(stateMachine)).executions().forEach(e ->
                assertThat(storm.responder.awaitExecution(e.executionArn(), Duration.ofMinutes(3)).status()).isEqualTo(ExecutionStatus.SUCCEEDED));
        List<AwsEmulator.ApiRequest> calls = emulator.requests().stream().filter(r -> !r.client().equals("test")).toList();

        // time to mitigate: the first ALARM delivery for an alias was sent -> its UpdateAlias reached Lambda
        List<Long> mitigate = new ArrayList<>();
        for (String fn : storm.functions) {
            Instant firstSent = routed.stream().filter(r -> r.delivery().function().equals(fn) && r.delivery().kind() == AlarmStorm.Kind.ALARM)
                    .map(Routed::sentAt).min(Comparator.naturalOrder()).orElseThrow();
            mitigate.add(Duration.between(firstSent, mitigatedAt.get(fn)).toMillis());
        }
        List<Long> routerMillis = routed.stream().map(r -> r.latency().toMillis()).toList();
        Map<String, Long> outcomes = routed.stream().collect(Collectors.groupingBy(Routed::outcome, TreeMap::new, Collectors.counting()));
        Map<String, Long> byCaller = calls.stream().collect(Collectors.groupingBy(r -> caller(r) + " " + r.service() + ":" + r.action(),
                TreeMap::new, Collectors.counting()));
        long routerCalls = calls.stream().filter(r -> caller(r).equals("router")).count();
        long playbookCalls = calls.size() - routerCalls;

        String report = "Alarm storm: " + routed.size() + " deliveries over " + SPREAD.toSeconds() + " s by " + SENDERS + " senders, "
                + storm.functions.size() + " protected aliases, " + storm.twins.size() + " unprotected twins\n"
                + "machine: " + Runtime.getRuntime().availableProcessors() + " cores, JDK " + Runtime.version() + ", load average before "
                + loadBefore + ", after sending " + loadDuring + "\n"
                + "all deliveries answered after " + Duration.between(start, allAnswered).toMillis() + " ms\n"
                + "outcomes: " + outcomes + "\n\n"
                + "| measure | p50 | p95 | p99 | max |\n|---|---|---|---|---|\n"
                + "| time to mitigate, ms (first ALARM delivery sent -> UpdateAlias received; 20 aliases) | " + percentiles(mitigate) + " |\n"
                + "| router invocation, ms (as the sender saw it, queueing for a worker included; " + routed.size() + " invocations) | "
                + percentiles(routerMillis) + " |\n\n"
                + "UpdateAlias calls: " + calls.stream().filter(r -> r.action().equals("UpdateAlias")).count() + "\n"
                + "AWS calls, all responder callers, storm start to every incident resolved: " + calls.size() + " (router " + routerCalls
                + " = " + String.format("%.2f", routerCalls / (double) routed.size()) + " per delivery; playbook " + playbookCalls + " = "
                + playbookCalls / storm.functions.size() + " per incident, verify polls included)\n\n"
                + "| caller service:action | calls |\n|---|---|\n"
                + byCaller.entrySet().stream().map(e -> "| " + e.getKey() + " | " + e.getValue() + " |").collect(Collectors.joining("\n")) + "\n";
        Path out = Path.of("target", "benchmarks", "alarm-storm.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report, StandardCharsets.UTF_8);
        System.out.println(report);
        assertThat(mitigate).hasSize(storm.functions.size());
    }

    /** When each protected alias's UpdateAlias reached the emulator; waits until all 20 did. */
    static Map<String, Instant> awaitUpdates(AwsEmulator emulator, AlarmStorm storm, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            Map<String, Instant> at = emulator.requests().stream().filter(r -> r.action().equals("UpdateAlias") && r.fault() == null)
                    .collect(Collectors.toMap(AlarmStorm::functionOf, AwsEmulator.ApiRequest::at, (a, b) -> a));
            if (at.keySet().containsAll(storm.functions)) {
                return at;
            }
            assertThat(Instant.now()).as("aliases not rolled back: %s", at.keySet()).isBefore(deadline);
            Thread.sleep(500);
        }
    }

    /** router, a step function's short name, or the state machine (its aws-sdk and lambda:invoke tasks). */
    static String caller(AwsEmulator.ApiRequest r) {
        String key = r.caller() == null ? "?" : r.caller();
        if (key.startsWith(AwsEmulator.FUNCTION_ACCESS_KEY_PREFIX)) {
            String fn = key.substring(AwsEmulator.FUNCTION_ACCESS_KEY_PREFIX.length()).replaceFirst("^dr-", "");
            return fn.equals("incident-router") ? "router" : fn;
        }
        return key.replaceFirst("^drr-state-machine\\.", "state machine ");
    }

    /** Nearest-rank p50 | p95 | p99 | max. */
    static String percentiles(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        return List.of(0.50, 0.95, 0.99).stream().map(p -> sorted.get((int) Math.ceil(p * sorted.size()) - 1).toString())
                .collect(Collectors.joining(" | ")) + " | " + sorted.get(sorted.size() - 1);
    }
}
