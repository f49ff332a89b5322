package com.drresponder.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs the real Java Lambda handlers for the local emulator, the way AWS Lambda does: a pool of worker JVMs
 * per function (each its own process with its own environment variables, initialised once, one invocation at a
 * time), fed through a small copy of the Lambda Runtime API. Concurrent invocations of a function run on
 * concurrent workers, cold-starting a new one when every warm one is busy, up to the function's reserved
 * concurrency (as the stack sets it) and at most {@link #maxConcurrency(int)} per function (a cap for the
 * machine running the tests; Lambda's is the account's). An invocation beyond the limit waits for a worker
 * (Lambda would throttle a synchronous invoke and queue an asynchronous one).
 *
 * <p>moto forwards every Lambda invoke to {@code POST /invoke/<function>} (see {@code moto_launcher.py});
 * the host hands the payload to the function's {@link LambdaWorker}, which polls
 * {@code GET /runtime/<function>/next} and answers on {@code /runtime/<function>/<requestId>/response}
 * or {@code /error}. A worker that dies is replaced on the next invoke; a worker whose invocation runs
 * past the function's timeout is killed. Worker output goes to {@link #logFile(String)}.
 */
public final class LambdaHost implements AutoCloseable {

    /** One cold start: when the worker was spawned, how long its init took, and spawn-to-first-response. */
    public record ColdStart(String functionName, Instant startedAt, Duration initDuration, Duration firstResponse) {
    }

    /** How one invocation ended: the response payload, or an error payload with {@code functionError} set. */
    public record InvocationResult(byte[] payload, String functionError) {
        public String payloadAsString() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration DEFAULT_INIT_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration QUEUE_TIMEOUT = Duration.ofMinutes(15);
    /** Workers per function when nothing else limits it: enough for Map states and storms on a 2-core machine. */
    static final int DEFAULT_MAX_CONCURRENCY = 4;

    private final HttpServer server;
    private final ExecutorService httpExecutor;
    private final ScheduledExecutorService timers;
    private final Path logDir;
    private final Map<String, FunctionSlot> slots = new ConcurrentHashMap<>();
    private final Map<String, Map<String, String>> envOverrides = new ConcurrentHashMap<>();
    private final List<ColdStart> coldStarts = new CopyOnWriteArrayList<>();
    private final Set<Path> truncatedLogs = ConcurrentHashMap.newKeySet();
    private final AtomicLong workerIds = new AtomicLong();
    private volatile String classpath = System.getProperty("java.class.path");
    private volatile List<String> jvmOptions =
            List.of("-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-XX:+UseSerialGC");
    private volatile String javaCommand = ProcessHandle.current().info().command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    private volatile URI awsEndpoint;
    private volatile String region = AwsEmulator.REGION;
    private volatile Duration initTimeout = DEFAULT_INIT_TIMEOUT;
    private volatile int maxConcurrency = Integer.getInteger("drresponder.lambda.maxConcurrency", DEFAULT_MAX_CONCURRENCY);
    private volatile boolean closed;

    private LambdaHost(Path logDir) throws IOException {
        this.logDir = logDir.toAbsolutePath();
        Files.createDirectories(this.logDir);
        this.httpExecutor = Executors.newVirtualThreadPerTaskExecutor();
        this.timers = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "lambda-host-timers");
            t.setDaemon(true);
            return t;
        });
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.setExecutor(httpExecutor);
        server.createContext("/invoke/", this::handleInvoke);
        server.createContext("/runtime/", this::handleRuntime);
        server.start();
    }

    /**
     * Starts a host on a free loopback port.
     *
     * @param logDir where {@code <function>.log} files go (created if missing)
     */
    public static LambdaHost start(Path logDir) {
        try {
            return new LambdaHost(logDir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start the Java Lambda host on 127.0.0.1", e);
        }
    }

    /** The loopback port moto forwards invocations to. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** Sets the endpoint handed to workers as {@code AWS_ENDPOINT_URL} (the emulator). */
    public LambdaHost awsEndpoint(URI endpoint) {
        this.awsEndpoint = endpoint;
        return this;
    }

    /** Region handed to workers as {@code AWS_REGION} / {@code AWS_DEFAULT_REGION}. */
    public LambdaHost region(String region) {
        this.region = Objects.requireNonNull(region);
        return this;
    }

    /** Classpath of the worker JVMs; defaults to this JVM's {@code java.class.path}. */
    public LambdaHost classpath(String classpath) {
        this.classpath = Objects.requireNonNull(classpath);
        return this;
    }

    /** JVM options of the worker JVMs (replaces the defaults: C1 only, CDS, serial GC). */
    public LambdaHost jvmOptions(List<String> options) {
        this.jvmOptions = List.copyOf(options);
        return this;
    }

    /** The {@code java} executable of the worker JVMs; defaults to this JVM's. */
    public LambdaHost javaCommand(String javaCommand) {
        this.javaCommand = Objects.requireNonNull(javaCommand);
        return this;
    }

    /** Longest a worker may take from spawn to its first {@code /next} (Lambda's init phase). */
    public LambdaHost initTimeout(Duration timeout) {
        this.initTimeout = Objects.requireNonNull(timeout);
        return this;
    }

    /**
     * Most workers one function may run at once (default {@value #DEFAULT_MAX_CONCURRENCY}, or the system property
     * {@code drresponder.lambda.maxConcurrency}); a function's reserved concurrency lowers it further.
     */
    public LambdaHost maxConcurrency(int workers) {
        if (workers < 1) {
            throw new IllegalArgumentException("maxConcurrency must be >= 1");
        }
        this.maxConcurrency = workers;
        return this;
    }

    /**
     * Environment variables that win over the function's own (and over the ones the host sets) for the
     * next worker of {@code functionName}; a running worker with other settings is replaced on its next invoke.
     */
    public void overrideEnvironment(String functionName, Map<String, String> variables) {
        envOverrides.put(functionName, Map.copyOf(variables));
    }

    /** Drops every environment override. */
    public void clearEnvironmentOverrides() {
        envOverrides.clear();
    }

    /** Every cold start since this host started (or since {@link #clearColdStarts()}), oldest first. */
    public List<ColdStart> coldStarts() {
        return List.copyOf(coldStarts);
    }

    /** The cold starts of one function, oldest first. */
    public List<ColdStart> coldStarts(String functionName) {
        return coldStarts.stream().filter(c -> c.functionName().equals(functionName)).toList();
    }

    /** Forgets the recorded cold starts. */
    public void clearColdStarts() {
        coldStarts.clear();
    }

    /** The file that receives a function's stdout and stderr (all its workers, appended). */
    public Path logFile(String functionName) {
        return logDir.resolve(functionName + ".log");
    }

    /** The directory holding the function logs. */
    public Path logDirectory() {
        return logDir;
    }

    /** Process handles of the running workers (for tests that prove nothing is left behind). */
    public List<ProcessHandle> workerProcesses() {
        List<ProcessHandle> handles = new ArrayList<>();
        for (FunctionSlot slot : slots.values()) {
            for (Worker w : slot.workers.values()) {
                if (w.process.isAlive()) {
                    handles.add(w.process.toHandle());
                }
            }
        }
        return handles;
    }

    /**
     * Invokes a function directly (what moto does through {@code /invoke/<function>}).
     *
     * @param request the invocation: functionName, handler, environment, timeout, memorySize, payload (string)
     */
    public InvocationResult invoke(InvocationRequest request) {
        if (closed) {
            throw new IllegalStateException("LambdaHost is closed");
        }
        return slots.computeIfAbsent(request.functionName(), FunctionSlot::new).invoke(request);
    }

    /**
     * What the host needs to run one invocation; moto sends these fields as JSON. {@code reservedConcurrency} is
     * the function's (null: none).
     */
    public record InvocationRequest(String functionName, String functionArn, String version, String handler,
                                    Map<String, String> environment, int timeoutSeconds, int memorySize,
                                    String payload, Integer reservedConcurrency) {
        public InvocationRequest {
            Objects.requireNonNull(functionName, "functionName");
            Objects.requireNonNull(handler, "handler");
            environment = environment == null ? Map.of() : Map.copyOf(environment);
            version = version == null ? "$LATEST" : version;
            payload = payload == null ? "{}" : payload;
        }

        public InvocationRequest(String functionName, String functionArn, String version, String handler,
                                 Map<String, String> environment, int timeoutSeconds, int memorySize, String payload) {
            this(functionName, functionArn, version, handler, environment, timeoutSeconds, memorySize, payload, null);
        }
    }

    /** Kills every worker (the host keeps serving; the next invoke cold-starts a new worker). */
    public void stopAll() {
        List<Throwable> failures = new ArrayList<>();
        for (FunctionSlot slot : slots.values()) {
            try {
                slot.stopWorkers("stopped by the harness");
            } catch (RuntimeException e) {
                failures.add(e);
            }
        }
        if (!failures.isEmpty()) {
            IllegalStateException e = new IllegalStateException("Could not stop every Lambda worker");
            failures.forEach(e::addSuppressed);
            throw e;
        }
    }

    /** Kills every worker and stops the HTTP server. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            stopAll();
        } finally {
            server.stop(0);
            httpExecutor.shutdownNow();
            timers.shutdownNow();
        }
    }

    // ---------------------------------------------------------------- HTTP endpoints

    private void handleInvoke(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"POST".equals(exchange.getRequestMethod())) {
                respond(exchange, 405, "POST only".getBytes(StandardCharsets.UTF_8), Map.of());
                return;
            }
            InvocationResult result;
            try {
                JsonNode body = JSON.readTree(exchange.getRequestBody());
                result = invoke(toRequest(body));
            } catch (RuntimeException | IOException e) {
                respond(exchange, 500, ("Lambda host error: " + e).getBytes(StandardCharsets.UTF_8), Map.of());
                return;
            }
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("Content-Type", "application/json");
            if (result.functionError() != null) {
                headers.put("X-Amz-Function-Error", result.functionError());
            }
            respond(exchange, 200, result.payload(), headers);
        }
    }

    private static InvocationRequest toRequest(JsonNode body) {
        Map<String, String> env = new LinkedHashMap<>();
        JsonNode envNode = body.path("environment");
        envNode.properties().forEach(e -> env.put(e.getKey(), e.getValue().asText()));
        return new InvocationRequest(
                body.path("functionName").asText(),
                body.path("functionArn").asText(null),
                body.path("version").asText("$LATEST"),
                body.path("handler").asText(),
                env,
                body.path("timeout").asInt(3),
                body.path("memorySize").asInt(128),
                body.path("payload").isNull() ? "{}" : body.path("payload").asText(),
                body.path("reservedConcurrency").isInt() ? body.path("reservedConcurrency").asInt() : null);
    }

    /** {@code /runtime/<fn>/next}, {@code /runtime/<fn>/<id>/response|error}, {@code /runtime/<fn>/init/error}. */
    private void handleRuntime(HttpExchange exchange) throws IOException {
        try (exchange) {
            String[] parts = exchange.getRequestURI().getRawPath().substring("/runtime/".length()).split("/");
            String functionName = URLDecoder.decode(parts[0], StandardCharsets.UTF_8);
            long workerId = Long.parseLong(queryParam(exchange, "worker"));
            FunctionSlot slot = slots.get(functionName);
            Worker worker = slot == null ? null : slot.workers.get(workerId);
            if (worker == null) {
                respond(exchange, 410, "worker is stale".getBytes(StandardCharsets.UTF_8), Map.of());
                return;
            }
            if (parts.length == 2 && parts[1].equals("next")) {
                worker.next(exchange);
            } else if (parts.length == 3 && parts[1].equals("init") && parts[2].equals("error")) {
                worker.initError(exchange.getRequestBody().readAllBytes());
                respond(exchange, 202, new byte[0], Map.of());
            } else if (parts.length == 3 && (parts[2].equals("response") || parts[2].equals("error"))) {
                byte[] body = exchange.getRequestBody().readAllBytes();
                boolean known = worker.complete(parts[1], body, parts[2].equals("error") ? "Unhandled" : null);
                respond(exchange, known ? 202 : 404, new byte[0], Map.of());
            } else {
                respond(exchange, 404, new byte[0], Map.of());
            }
        }
    }

    private static String queryParam(HttpExchange exchange, String name) {
        String query = exchange.getRequestURI().getRawQuery();
        if (query != null) {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0 && pair.substring(0, eq).equals(name)) {
                    return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                }
            }
        }
        return "-1";
    }

    private static void respond(HttpExchange exchange, int status, byte[] body, Map<String, String> headers)
            throws IOException {
        headers.forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    static byte[] errorPayload(String errorType, String message) {
        ObjectNode node = JSON.createObjectNode();
        node.put("errorMessage", message);
        node.put("errorType", errorType);
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---------------------------------------------------------------- per function

    /** The settings a worker was started with; a different one means a new worker (a new deployment). */
    private record WorkerConfig(String handler, Map<String, String> environment, int memorySize) {
    }

    /** One in-flight invocation. */
    private static final class Invocation {
        final String requestId = UUID.randomUUID().toString();
        final InvocationRequest request;
        final CompletableFuture<InvocationResult> result = new CompletableFuture<>();

        Invocation(InvocationRequest request) {
            this.request = request;
        }
    }

    /** All invocations of one function: a pool of workers, warm ones reused most-recent first. */
    private final class FunctionSlot {
        final String functionName;
        final Map<Long, Worker> workers = new ConcurrentHashMap<>();
        private final java.util.Deque<Worker> idle = new java.util.ArrayDeque<>();
        private int busy;

        FunctionSlot(String functionName) {
            this.functionName = functionName;
        }

        InvocationResult invoke(InvocationRequest request) {
            WorkerConfig config = configFor(request);
            Worker w = acquire(config, request);
            boolean reusable = false;
            try {
                Invocation invocation = new Invocation(request);
                w.submit(invocation);
                Duration limit = initTimeout.plusSeconds(request.timeoutSeconds()).plusSeconds(30);
                try {
                    InvocationResult result = invocation.result.get(limit.toMillis(), TimeUnit.MILLISECONDS);
                    reusable = w.process.isAlive();
                    return result;
                } catch (TimeoutException e) {
                    w.destroy("no answer in " + limit);
                    throw new IllegalStateException("Invocation of " + functionName + " got no answer within "
                            + limit + " (init timeout + function timeout + 30 s); see " + logFile(functionName), e);
                } catch (ExecutionException e) {
                    throw new IllegalStateException("Invocation of " + functionName + " failed in the host", e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("Interrupted while invoking " + functionName, e);
                }
            } finally {
                release(w, reusable);
            }
        }

        /** A warm worker with this configuration, or a new one while under the limit; else waits for one. */
        private synchronized Worker acquire(WorkerConfig config, InvocationRequest request) {
            int limit = request.reservedConcurrency() == null ? maxConcurrency
                    : Math.max(1, Math.min(request.reservedConcurrency(), maxConcurrency));
            long deadline = System.nanoTime() + QUEUE_TIMEOUT.toNanos();
            while (true) {
                while (!idle.isEmpty()) {
                    Worker w = idle.pop();
                    if (w.process.isAlive() && w.config.equals(config)) {
                        busy++;
                        return w;
                    }
                    retire(w, w.process.isAlive() ? "replaced: configuration changed" : "replaced: worker exited");
                }
                if (busy < limit) {
                    Worker w = spawn(config, request);
                    workers.put(w.id, w);
                    busy++;
                    return w;
                }
                long waitMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (waitMs <= 0) {
                    throw new IllegalStateException("Function " + functionName + " had " + busy + " busy workers (limit "
                            + limit + ") for " + QUEUE_TIMEOUT);
                }
                try {
                    wait(waitMs);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("Interrupted while waiting for " + functionName, e);
                }
            }
        }

        private synchronized void release(Worker w, boolean reusable) {
            busy--;
            if (reusable && workers.containsKey(w.id)) {
                idle.push(w);
            } else {
                retire(w, "not reusable after its invocation");
            }
            notifyAll();
        }

        private void retire(Worker w, String reason) {
            if (workers.remove(w.id) != null && w.process.isAlive()) {
                w.destroy(reason);
            }
        }

        WorkerConfig configFor(InvocationRequest request) {
            Map<String, String> env = new LinkedHashMap<>(request.environment());
            env.put("AWS_REGION", region);
            env.put("AWS_DEFAULT_REGION", region);
            // Names the function in the emulator's API call log, as its execution role would in CloudTrail.
            env.put("AWS_ACCESS_KEY_ID", AwsEmulator.FUNCTION_ACCESS_KEY_PREFIX + functionName);
            env.put("AWS_SECRET_ACCESS_KEY", AwsEmulator.SECRET_KEY);
            if (awsEndpoint != null) {
                env.put("AWS_ENDPOINT_URL", awsEndpoint.toString());
            }
            env.put("AWS_LAMBDA_FUNCTION_NAME", functionName);
            env.put("AWS_LAMBDA_FUNCTION_VERSION", request.version());
            env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", Integer.toString(request.memorySize()));
            env.put("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/" + functionName);
            env.put("AWS_EXECUTION_ENV", "AWS_Lambda_java21");
            env.put("_HANDLER", request.handler());
            env.put("TZ", ":UTC");
            env.put("LANG", "en_US.UTF-8");
            env.put("PATH", "/usr/local/bin:/usr/bin:/bin");
            env.putAll(envOverrides.getOrDefault(functionName, Map.of()));
            return new WorkerConfig(request.handler(), Map.copyOf(env), request.memorySize());
        }

        Worker spawn(WorkerConfig config, InvocationRequest request) {
            long id = workerIds.incrementAndGet();
            Path log = logFile(functionName);
            List<String> command = new ArrayList<>();
            command.add(javaCommand);
            command.addAll(jvmOptions);
            int heapMb = Math.max(256, config.memorySize()) * 85 / 100;
            command.add("-Xmx" + heapMb + "m");
            command.add("-cp");
            command.add(classpath);
            command.add(LambdaWorker.class.getName());
            ProcessBuilder pb = new ProcessBuilder(command);
            pb.environment().clear();
            pb.environment().putAll(config.environment());
            pb.environment().put("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:" + port());
            pb.environment().put("AWS_LAMBDA_LOG_STREAM_NAME", "local/worker-" + id);
            pb.environment().put(LambdaWorker.WORKER_ID_ENV, Long.toString(id));
            pb.redirectErrorStream(true);
            pb.redirectInput(ProcessBuilder.Redirect.PIPE); // EOF on stdin tells the worker we are gone
            try {
                if (truncatedLogs.add(log)) {
                    Files.writeString(log, "", StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING);
                }
                Files.writeString(log, "=== " + Instant.now() + " worker " + id + " start: " + functionName
                                + " (" + request.version() + ") handler " + config.handler() + System.lineSeparator(),
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
                long startNanos = System.nanoTime();
                Process process = pb.start();
                Worker w = new Worker(this, id, config, process, startNanos);
                process.onExit().thenRun(() -> w.exited());
                return w;
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot start a worker JVM for " + functionName + " with " + javaCommand, e);
            }
        }

        void stopWorkers(String reason) {
            List<Worker> all;
            synchronized (this) {
                all = List.copyOf(workers.values());
                workers.clear();
                idle.clear();
            }
            for (Worker w : all) {
                w.destroy(reason);
            }
        }
    }

    /** One worker JVM. */
    private final class Worker {
        final FunctionSlot slot;
        final long id;
        final WorkerConfig config;
        final Process process;
        final long startNanos;
        final Instant startedAt = Instant.now();
        final BlockingQueue<Invocation> queue = new LinkedBlockingQueue<>();
        final Map<String, Invocation> inFlight = new ConcurrentHashMap<>();
        volatile Duration initDuration;
        volatile boolean coldStartRecorded;
        volatile byte[] initErrorPayload;

        Worker(FunctionSlot slot, long id, WorkerConfig config, Process process, long startNanos) {
            this.slot = slot;
            this.id = id;
            this.config = config;
            this.process = process;
            this.startNanos = startNanos;
        }

        void submit(Invocation invocation) {
            inFlight.put(invocation.requestId, invocation);
            if (initDuration == null) {
                timers.schedule(() -> {
                    if (initDuration == null && inFlight.remove(invocation.requestId) != null) {
                        try {
                            destroy("init timeout"); // before answering: the caller may check the worker is gone
                        } finally {
                            fail(invocation, "Runtime.InitTimeout", "Worker for " + slot.functionName
                                    + " did not finish init within " + initTimeout + "; see " + logFile(slot.functionName));
                        }
                    }
                }, initTimeout.toMillis(), TimeUnit.MILLISECONDS);
            }
            if (!process.isAlive()) {
                exited();
                return;
            }
            queue.add(invocation);
        }

        /** Long poll of the worker: hands over the next invocation and starts its timeout clock. */
        void next(HttpExchange exchange) throws IOException {
            if (initDuration == null) {
                initDuration = Duration.ofNanos(System.nanoTime() - startNanos);
            }
            Invocation invocation;
            try {
                invocation = queue.poll(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                respond(exchange, 503, new byte[0], Map.of());
                return;
            }
            if (invocation == null || invocation.result.isDone()) {
                respond(exchange, 204, new byte[0], Map.of()); // nothing yet: the worker polls again
                return;
            }
            long timeoutMs = invocation.request.timeoutSeconds() * 1000L;
            long deadline = System.currentTimeMillis() + timeoutMs;
            timers.schedule(() -> {
                if (inFlight.remove(invocation.requestId) != null) {
                    try {
                        destroy("invocation timed out"); // before answering: the caller may check the worker is gone
                    } finally {
                        fail(invocation, "Sandbox.Timedout", String.format("RequestId: %s Task timed out after %d.00 seconds",
                                invocation.requestId, invocation.request.timeoutSeconds()));
                    }
                }
            }, timeoutMs, TimeUnit.MILLISECONDS);
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("Lambda-Runtime-Aws-Request-Id", invocation.requestId);
            headers.put("Lambda-Runtime-Deadline-Ms", Long.toString(deadline));
            headers.put("Lambda-Runtime-Invoked-Function-Arn", Objects.requireNonNullElse(invocation.request.functionArn(),
                    "arn:aws:lambda:" + region + ":" + AwsEmulator.ACCOUNT_ID + ":function:" + slot.functionName));
            headers.put("Content-Type", "application/json");
            respond(exchange, 200, invocation.request.payload().getBytes(StandardCharsets.UTF_8), headers);
        }

        boolean complete(String requestId, byte[] payload, String functionError) {
            Invocation invocation = inFlight.remove(requestId);
            if (invocation == null) {
                return false;
            }
            recordColdStart();
            invocation.result.complete(new InvocationResult(payload, functionError));
            return true;
        }

        void initError(byte[] payload) {
            initErrorPayload = payload;
            for (Invocation invocation : List.copyOf(inFlight.values())) {
                inFlight.remove(invocation.requestId);
                invocation.result.complete(new InvocationResult(payload, "Unhandled"));
            }
        }

        void recordColdStart() {
            if (!coldStartRecorded) {
                coldStartRecorded = true;
                coldStarts.add(new ColdStart(slot.functionName, startedAt, initDuration,
                        Duration.ofNanos(System.nanoTime() - startNanos)));
            }
        }

        void fail(Invocation invocation, String errorType, String message) {
            inFlight.remove(invocation.requestId);
            invocation.result.complete(new InvocationResult(errorPayload(errorType, message), "Unhandled"));
        }

        /** Called when the process ends: every invocation it had fails like Lambda's Runtime.ExitError. */
        void exited() {
            byte[] initError = initErrorPayload;
            for (Invocation invocation : List.copyOf(inFlight.values())) {
                if (initError != null) {
                    inFlight.remove(invocation.requestId);
                    invocation.result.complete(new InvocationResult(initError, "Unhandled"));
                } else {
                    int code = process.isAlive() ? -1 : process.exitValue();
                    fail(invocation, "Runtime.ExitError", "RequestId: " + invocation.requestId
                            + " Error: Runtime exited with error: exit status " + code + "; see " + logFile(slot.functionName));
                }
            }
        }

        void destroy(String reason) {
            ProcessTree.destroy(process, Duration.ZERO, "worker " + id + " of " + slot.functionName + " (stopping: " + reason + ")");
            appendToLog("=== " + Instant.now() + " worker " + id + " stopped: " + reason);
            exited();
        }

        private void appendToLog(String line) {
            try {
                Files.writeString(logFile(slot.functionName), line + System.lineSeparator(),
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot write " + logFile(slot.functionName), e);
            }
        }
    }
}
