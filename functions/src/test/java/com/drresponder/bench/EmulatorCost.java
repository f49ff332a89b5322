package com.drresponder.bench;

import com.drresponder.testsupport.AwsEmulator;
import com.drresponder.testsupport.AwsEmulator.ApiRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What a benchmark run asked of the emulator, in figures that do not depend on the machine's load: the AWS requests
 * by caller and service:action (per unit of work, e.g. per secret), the emulator's CPU seconds, and the CPU and wait
 * each kind of request cost (from the emulator's request log). With {@code DRR_MOTO_PROFILE=1} in the environment it
 * also keeps the emulator's CPU profile of the run.
 */
public final class EmulatorCost {
    private final AwsEmulator emulator;
    private final Duration cpuBefore;

    private EmulatorCost(AwsEmulator emulator) {
        this.emulator = emulator;
        this.cpuBefore = emulator.motoCpuTime();
    }

    /** Starts counting: clears the request log (and the CPU profile) and reads the emulator's CPU time. */
    public static EmulatorCost start(AwsEmulator emulator) {
        emulator.clearRequests();
        emulator.takeCpuProfile();
        return new EmulatorCost(emulator);
    }

    /** Per kind of request (caller service:action): how many, per unit, and what they cost. */
    public record Kind(String name, long count, double perUnit, double totalMillis, double cpuMillis) {}

    public record Report(String title, int units, List<ApiRequest> requests, Duration motoCpu, List<Kind> kinds, String profile) {
        public long responderRequests() {
            return requests.stream().filter(r -> !r.client().equals("test")).count();
        }

        /** One line for the build output. */
        public String line() {
            return "requests=%d (responder %d, %.1f per unit) moto_cpu_s=%.1f (%.2f per unit)".formatted(requests.size(),
                    responderRequests(), (double) responderRequests() / units, motoCpu.toMillis() / 1000.0,
                    motoCpu.toMillis() / 1000.0 / units);
        }

        /** Markdown: the totals, then every kind of request, most CPU first. */
        public String markdown() {
            double servedCpu = kinds.stream().mapToDouble(Kind::cpuMillis).sum();
            return "### " + title + "\n\n" + line() + "; CPU of the threads serving requests: " + Math.round(servedCpu)
                    + " ms (the rest is the Step Functions engine's own threads)\n\n"
                    + "| caller service:action | requests | per unit | answer ms (sum) | answer ms (mean) | serving CPU ms (sum) |\n"
                    + "|---|---|---|---|---|---|\n"
                    + kinds.stream().map(k -> "| %s | %d | %.2f | %.0f | %.1f | %.0f |".formatted(k.name(), k.count(), k.perUnit(),
                            k.totalMillis(), k.totalMillis() / k.count(), k.cpuMillis())).collect(Collectors.joining("\n")) + "\n";
        }

        /** Writes the markdown to {@code target/benchmarks/<file>.md} and the profile, if any, next to it. */
        public void write(String file) {
            try {
                Path dir = Files.createDirectories(Path.of("target", "benchmarks"));
                Files.writeString(dir.resolve(file + ".md"), markdown(), StandardCharsets.UTF_8);
                if (!profile.isBlank()) {
                    Files.writeString(dir.resolve(file + ".profile"), profile, StandardCharsets.UTF_8);
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    /** What the emulator served since {@link #start}, for {@code units} units of work. */
    public Report finish(String title, int units) {
        Duration cpu = emulator.motoCpuTime().minus(cpuBefore);
        List<ApiRequest> requests = emulator.requests();
        String profile = emulator.takeCpuProfile();
        Map<String, List<ApiRequest>> byKind = requests.stream().collect(Collectors.groupingBy(EmulatorCost::kind, TreeMap::new, Collectors.toList()));
        List<Kind> kinds = byKind.entrySet().stream().map(e -> new Kind(e.getKey(), e.getValue().size(), (double) e.getValue().size() / units,
                        e.getValue().stream().mapToDouble(ApiRequest::millis).sum(), e.getValue().stream().mapToDouble(ApiRequest::cpuMillis).sum()))
                .sorted(Comparator.comparingDouble(Kind::cpuMillis).reversed()).toList();
        return new Report(title, units, requests, cpu, kinds, profile);
    }

    /** "record-step dynamodb:PutItem", "state machine lambda:Invoke", "test states:DescribeExecution". */
    static String kind(ApiRequest r) {
        String caller = r.caller() == null ? "?" : r.caller();
        String who = caller.startsWith(AwsEmulator.FUNCTION_ACCESS_KEY_PREFIX) ? caller.substring(AwsEmulator.FUNCTION_ACCESS_KEY_PREFIX.length())
                : caller.startsWith("drr-state-machine.") ? "state machine" : r.client();
        return who + " " + r.service() + ":" + r.action();
    }
}
