package com.drresponder.testsupport;

import com.drresponder.testsupport.fixtures.EchoHandler;
import com.drresponder.testsupport.fixtures.MoreHandlers;
import com.drresponder.testsupport.fixtures.SlowHandler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The Lambda host on its own (no moto): handler shapes, init errors, restarts, overrides, cold starts. */
class LambdaHostIT {

    private static LambdaHost host;

    @BeforeAll
    static void startHost() {
        host = LambdaHost.start(Path.of("target", "lambda-logs"));
    }

    @AfterAll
    static void stopHost() {
        host.close();
    }

    private static LambdaHost.InvocationRequest request(String fn, String handler, Map<String, String> env, String payload) {
        return new LambdaHost.InvocationRequest(fn, null, null, handler, env, 30, 256, payload);
    }

    @Test
    void requestHandler_should_mapPojoInputAndOutput() {
        LambdaHost.InvocationResult result = host.invoke(request("pojo", MoreHandlers.PojoHandler.class.getName(),
                Map.of("DR_MODE", "dry-run"), "{\"functionName\":\"api\",\"fromVersion\":7,\"unknown\":true}"));
        assertThat(result.functionError()).isNull();
        assertThat(result.payloadAsString()).isEqualTo("{\"functionName\":\"api\",\"targetVersion\":6,\"mode\":\"dry-run\"}");
    }

    @Test
    void streamHandler_and_plainMethodHandler_should_work() {
        assertThat(host.invoke(request("stream", MoreHandlers.UpperCaseStreamHandler.class.getName(), Map.of(),
                "{\"a\":\"b\"}")).payloadAsString()).isEqualTo("{\"A\":\"B\"}");
        assertThat(host.invoke(request("plain", MoreHandlers.PlainMethodHandler.class.getName() + "::greet", Map.of(),
                "\"ops\"")).payloadAsString()).isEqualTo("\"hello ops from plain\"");
    }

    @Test
    void initError_should_reachCaller_as_functionError() {
        LambdaHost.InvocationResult result = host.invoke(request("broken", MoreHandlers.BrokenInitHandler.class.getName(),
                Map.of(), "\"x\""));
        assertThat(result.functionError()).isEqualTo("Unhandled");
        assertThat(result.payloadAsString()).contains("java.lang.IllegalStateException").contains("missing LEDGER_TABLE");
    }

    @Test
    void deadWorker_should_beReplaced_and_overrides_should_win() {
        String handler = EchoHandler.class.getName();
        host.invoke(request("restart", handler, Map.of("GREETING", "one"), "{}"));
        host.workerProcesses().forEach(ProcessHandle::destroyForcibly);
        host.workerProcesses().forEach(p -> p.onExit().join());

        LambdaHost.InvocationResult afterKill = host.invoke(request("restart", handler, Map.of("GREETING", "one"), "{}"));
        host.overrideEnvironment("restart", Map.of("GREETING", "overridden"));
        LambdaHost.InvocationResult afterOverride = host.invoke(request("restart", handler, Map.of("GREETING", "one"), "{}"));

        assertThat(afterKill.payloadAsString()).contains("\"greeting\":\"one\"");
        assertThat(afterOverride.payloadAsString()).contains("\"greeting\":\"overridden\"");
        assertThat(host.coldStarts("restart")).hasSize(3)
                .allSatisfy(c -> assertThat(c.firstResponse()).isGreaterThanOrEqualTo(c.initDuration()));
    }
    private static List<LambdaHost.InvocationResult> invokeConcurrently(int n, Integer reserved, String fn) {
        // a thread per call: the common pool may have a single thread on a small machine
        try (var threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            List<CompletableFuture<LambdaHost.InvocationResult>> calls = IntStream.range(0, n)
                    .mapToObj(i -> CompletableFuture.supplyAsync(() -> host.invoke(new LambdaHost.InvocationRequest(fn, null, null,
                            SlowHandler.class.getName(), Map.of(), 30, 256, "1500", reserved)), threads)).toList();
            return calls.stream().map(CompletableFuture::join).toList();
        }
    }

    @Test
    void concurrentInvocations_should_runOnConcurrentWorkers_upToTheLimit() {
        // warm one worker first: the burst then reuses it and cold-starts only what it lacks
        host.invoke(new LambdaHost.InvocationRequest("parallel", null, null, SlowHandler.class.getName(), Map.of(), 30, 256, "1", null));
        long start = System.nanoTime();
        List<LambdaHost.InvocationResult> results = invokeConcurrently(3, null, "parallel");
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(results).allSatisfy(r -> assertThat(r.payloadAsString()).isEqualTo("\"slept 1500\""));
        assertThat(host.coldStarts("parallel")).hasSize(3); // the warm one and two more, not one per call
        assertThat(took).as("three 1.5 s invocations in parallel, not 4.5 s in a row").isLessThan(Duration.ofMillis(4500));
    }

    @Test
    void reservedConcurrency_should_capTheWorkers_andQueueTheRest() {
        long start = System.nanoTime();
        List<LambdaHost.InvocationResult> results = invokeConcurrently(2, 1, "reserved-one");
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(results).allSatisfy(r -> assertThat(r.functionError()).isNull());
        assertThat(host.coldStarts("reserved-one")).hasSize(1);
        assertThat(took).as("one worker: the second call waits for the first").isGreaterThanOrEqualTo(Duration.ofMillis(3000));
    }
}
