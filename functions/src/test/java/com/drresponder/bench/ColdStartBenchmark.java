package com.drresponder.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.drresponder.events.RepositoryFiles;
import com.drresponder.incident.Incident;
import com.drresponder.incident.IncidentStatus;
import com.drresponder.incident.Severity;
import com.drresponder.rollback.RollbackEstate;
import com.drresponder.testing.EmulatorClients;
import com.drresponder.testing.LocalResponder;
import com.drresponder.testsupport.AwsEmulator;
import com.drresponder.testsupport.AwsEmulatorTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.lambda.LambdaClient;

/**
 * Cold start of each Java function on the rollback path, as a whole process: a fresh JVM with Lambda's
 * java21 JIT flags, loading the deployment package (functions-lambda.zip), initialising the handler and
 * answering one real invocation against the emulator. Compared with a bare SDK v2 process making the
 * same AWS calls. Not a timed test: it asserts only that every run worked, and writes
 * target/benchmarks/cold-start.md. Run:
 * {@code ./mvnw -B -pl functions -am verify -Dtest=ColdStartBenchmark -Dsurefire.failIfNoSpecifiedTests=false -DskipITs}
 */
@AwsEmulatorTest
class ColdStartBenchmark {
    static final int RUNS = Integer.getInteger("bench.runs", 7);
    static final List<String> LAMBDA_JVM_FLAGS = List.of("-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto");

    /** A catalog function and the payload of its first invocation; the handler class comes from the catalog. */
    record Fn(String name, String payload) {
        String handler() {
            return com.drresponder.catalog.Catalog.RESPONDER.function(name).handler().replace("::handleRequest", "");
        }
    }

    @Test
    void coldStart_of_eachFunctionOnTheRollbackPath(AwsEmulator emulator) throws Exception {
        Setup setup = setUp(emulator);
        StringBuilder report = new StringBuilder("| function | handler median ms | bare SDK median ms | ratio | handler runs (ms) |\n|---|---|---|---|---|\n");
        for (Fn fn : setup.functions()) {
            List<Long> handler = new ArrayList<>();
            List<Long> bare = new ArrayList<>();
            for (int run = 0; run < RUNS; run++) {
                // A fresh alarm transition each run, so the router does the full STARTED path, not a duplicate.
                String payload = fn.payload().replace("2024-03-15T10:02:41.321+0000", "2024-03-15T10:02:" + String.format("%02d", run) + ".000+0000");
                Path file = setup.payloads().resolve(fn.name() + "-" + run + ".json");
                Files.writeString(file, payload, StandardCharsets.UTF_8);
                handler.add(spawn(setup.classpath(), setup.env(), "handler", fn.name(), fn.handler(), file.toString()));
                bare.add(spawn(setup.classpath(), setup.env(), "bare", fn.name(), "-", "-"));
            }
            long h = median(handler);
            long b = median(bare);
            report.append("| ").append(fn.name()).append(" | ").append(h).append(" | ").append(b).append(" | ")
                    .append(String.format("%.2f", (double) h / b)).append(" | ").append(handler).append(" |\n");
        }
        Path out = Path.of("target", "benchmarks", "cold-start.md");
        Files.writeString(out, "java " + System.getProperty("java.version") + ", flags " + LAMBDA_JVM_FLAGS + ", " + RUNS
                + " runs each, median of whole-process time from JVM start to end of first response\n\n" + report, StandardCharsets.UTF_8);
        System.out.println(Files.readString(out));
        assertThat(report.toString().lines().count()).isEqualTo(2 + setup.functions().size());
    }

    /** Invocations per process in the after-init benchmark: the first, then warm ones (their median is "warm"). */
    static final int INVOCATIONS = 6;

    /**
     * Cold start after init, what SnapStart leaves on the recovery path: in one fresh JVM the handler is constructed
     * (init: what the snapshot holds), then invoked {@value #INVOCATIONS} times; the first invocation against the
     * median of the others (warm), per function, with and without priming ({@code Priming}, on by default; off with
     * {@code -Ddrresponder.priming=off}). Writes target/benchmarks/cold-start-after-init.md.
     */
    @Test
    void afterInit_firstInvocationVersusWarm_withAndWithoutPriming(AwsEmulator emulator) throws Exception {
        Setup setup = setUp(emulator);

        // every router invocation starts an incident on a function of its own (a second alarm on one alias would only join)
        LambdaClient lambda = EmulatorClients.of(emulator, LambdaClient.builder());
        CloudWatchClient cloudWatch = EmulatorClients.of(emulator, CloudWatchClient.builder());
        int routerInvocations = 2 * RUNS * INVOCATIONS;
        for (int i = 0; i < routerInvocations; i++) {
            String name = "bench-%03d".formatted(i);
            RollbackEstate.functionWithThreeVersions(emulator, lambda, name, true);
            RollbackEstate.firingAlarm(cloudWatch, name, name + "-live-errors");
        }
        StringBuilder report = new StringBuilder("| function | priming | init median ms | first median ms | warm median ms | first / warm |\n|---|---|---|---|---|---|\n");
        int transition = 0;
        for (Fn fn : setup.functions()) {
            for (boolean priming : List.of(false, true)) {
                List<Long> init = new ArrayList<>();
                List<Long> first = new ArrayList<>();
                List<Long> warm = new ArrayList<>();
                for (int run = 0; run < RUNS; run++) {
                    List<String> files = new ArrayList<>();
                    for (int i = 0; i < INVOCATIONS; i++, transition++) {
                        // the router: an alarm on a function of its own each time (the full STARTED path, never a join)
                        String payload = fn.name().equals("incident-router")
                                ? fn.payload().replace("checkout-api", "bench-%03d".formatted(transition)) : fn.payload();
                        Path file = setup.payloads().resolve(fn.name() + "-after-init-" + transition + ".json");
                        Files.writeString(file, payload, StandardCharsets.UTF_8);
                        files.add(file.toString());
                    }
                    List<Long> times = afterInit(setup.classpath(), setup.env(), priming, fn, files);
                    init.add(times.get(0));
                    first.add(times.get(1));
                    warm.add(median(times.subList(2, times.size())));
                }
                long f = median(first);
                long w = Math.max(1, median(warm));
                report.append("| ").append(fn.name()).append(" | ").append(priming ? "on" : "off").append(" | ").append(median(init))
                        .append(" | ").append(f).append(" | ").append(w).append(" | ").append(String.format("%.1f", (double) f / w)).append(" |\n");
            }
        }
        Path out = Path.of("target", "benchmarks", "cold-start-after-init.md");
        Files.writeString(out, "java " + System.getProperty("java.version") + ", flags " + LAMBDA_JVM_FLAGS + ", " + RUNS + " processes per row, "
                + INVOCATIONS + " invocations each (first, then warm: median of the rest)\n\n" + report, StandardCharsets.UTF_8);
        System.out.println(Files.readString(out));
        assertThat(report.toString().lines().count()).isEqualTo(2 + 2L * setup.functions().size());
    }

    /** The unpacked deployment package, where payload files go, the functions under test and their environment. */
    record Setup(Path classpath, Path payloads, List<Fn> functions, Map<String, String> env) {}

    /** Deploys the rollback playbook and an estate with a firing alarm, opens the incident and holds its lock. */
    static Setup setUp(AwsEmulator emulator) throws IOException {
        LocalResponder responder = LocalResponder.create(emulator);
        String smArn = responder.playbook("rollback-lambda-alias", Map.of("RecordStepFunctionArn", none(), "PlanRollbackFunctionArn", none(),
                "RecordRollbackFunctionArn", none(), "CheckAlarmFunctionArn", none()));
        String functionArn = estate(emulator);
        responder.ledger().openIncident(new Incident("bench", "rollback-lambda-alias", functionArn + ":live", "bench", Severity.P2,
                IncidentStatus.INVESTIGATING, null, "bench", "{}", Instant.now(), Instant.now()));
        responder.ledger().acquireLock(functionArn + ":live", "bench", Instant.now(), Instant.now().plusSeconds(7200)); // check-alarm renews it
        Path classpath = unpackDeploymentPackage();
        Path payloads = Files.createDirectories(Path.of("target", "benchmarks", "payloads"));
        String alarm = RepositoryFiles.read("events/samples/cloudwatch/lambda-errors-alarm.json");
        String plan = "{\"action\":\"rollback\",\"functionName\":\"checkout-api\",\"alias\":\"live\",\"aliasArn\":\"" + functionArn
                + ":live\",\"fromVersion\":\"3\",\"toVersion\":\"2\",\"revisionId\":\"r\",\"badVersion\":\"3\",\"source\":\"fallback\",\"reason\":\"bench\"}";
        List<Fn> functions = List.of(
                new Fn("incident-router", alarm),
                new Fn("plan-rollback", "{\"incidentId\":\"bench\",\"functionName\":\"checkout-api\",\"alias\":\"live\"}"),
                new Fn("record-rollback", "{\"incidentId\":\"bench\",\"plan\":" + plan + ",\"input\":{}}"),
                new Fn("check-alarm", "{\"incidentId\":\"bench\",\"alarmName\":\"checkout-api-live-errors\",\"deadline\":\"2099-01-01T00:00:00Z\"}"),
                new Fn("record-step", "{\"incidentId\":\"bench\",\"action\":\"Bench\",\"outcome\":\"ok\",\"notify\":{\"whatHappened\":\"bench\"}}"));
        Map<String, String> env = new HashMap<>(responder.environment);
        env.putAll(Map.of("AWS_REGION", emulator.region(), "AWS_ACCESS_KEY_ID", emulator.accessKey(),
                "AWS_SECRET_ACCESS_KEY", emulator.secretKey(), "AWS_ENDPOINT_URL", emulator.endpoint().toString(),
                "ROLLBACK_STATE_MACHINE_ARN", smArn, "BENCH_FUNCTION_ARN", functionArn, "ROLLBACK_COOLDOWN_MINUTES", "0",
                "MAX_ROLLBACKS_PER_HOUR", "1000000", "MUTATING_STARTS_PER_MINUTE", "1000"));
        return new Setup(classpath, payloads, functions, env);
    }

    static List<Long> afterInit(Path classpath, Map<String, String> env, boolean priming, Fn fn, List<String> payloads) throws Exception {
        List<String> args = new ArrayList<>(List.of("after-init", fn.name(), fn.handler()));
        args.addAll(payloads);
        String last = driver(classpath, env, priming ? List.of() : List.of("-D" + com.drresponder.common.Priming.PROPERTY + "=off"), args);
        return java.util.Arrays.stream(last.split(" ")).map(Long::parseLong).toList();
    }

    static long spawn(Path classpath, Map<String, String> env, String mode, String fn, String handler, String payload) throws Exception {
        return Long.parseLong(driver(classpath, env, List.of(), List.of(mode, fn, handler, payload)));
    }

    /** Runs {@link ColdStartDriver} in a fresh JVM with Lambda's flags; answers the last line it printed. */
    static String driver(Path classpath, Map<String, String> env, List<String> jvmArgs, List<String> args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(LAMBDA_JVM_FLAGS);
        command.add("-Xmx870m"); // 85 % of the 1024 MB the stack gives each function, as Lambda sizes the heap
        command.addAll(jvmArgs);
        command.add("-cp");
        command.add(classpath + ":" + classpath.resolve("lib") + "/*:" + Path.of("target", "test-classes").toAbsolutePath());
        command.add(ColdStartDriver.class.getName());
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(
                Path.of("target", "benchmarks", "cold-start-stderr.log").toFile()));
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(p.waitFor()).as(args.get(0) + " " + args.get(1) + " failed; see target/benchmarks/cold-start-stderr.log").isZero();
        String[] lines = out.split("\n");
        return lines[lines.length - 1].trim();
    }

    static long median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    static String none() {
        return "arn:aws:lambda:us-east-1:123456789012:function:not-deployed";
    }

    static String estate(AwsEmulator emulator) {
        String arn = RollbackEstate.protectedFunctionWithThreeVersions(emulator, EmulatorClients.of(emulator, LambdaClient.builder()));
        RollbackEstate.firingAlarm(EmulatorClients.of(emulator, CloudWatchClient.builder()));
        return arn;
    }

    /** The deployment package exactly as the stack uploads it: classes at the root, dependencies in lib/. */
    static Path unpackDeploymentPackage() throws IOException {
        Path zip = Path.of("target", "functions-lambda.zip");
        assertThat(zip).as("build the package first: ./mvnw -pl functions -am package").exists();
        Path dir = Path.of("target", "benchmarks", "lambda-package").toAbsolutePath();
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                Path target = dir.resolve(e.getName()).normalize();
                if (e.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(in, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        return dir;
    }
}
