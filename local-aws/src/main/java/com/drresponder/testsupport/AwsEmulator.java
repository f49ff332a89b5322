package com.drresponder.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A local AWS for integration tests: a moto server on loopback whose Lambda invokes run the real Java
 * handlers in {@link LambdaHost} worker JVMs, and whose Step Functions engine executes real ASL.
 *
 * <p>Tests get one through {@link AwsEmulatorTest} (one instance per test JVM, reset before each test);
 * tools and benchmarks may {@link #start()} their own and {@link #close()} it. SDK clients point at it with
 * {@code .endpointOverride(emulator.endpoint())} or the {@code aws.endpointUrl} system property
 * ({@link #applySdkSystemProperties()}); credentials are {@code testing}/{@code testing}.
 */
public final class AwsEmulator implements AutoCloseable {

    public static final String REGION = "us-east-1";
    public static final String ACCOUNT_ID = "123456789012";
    public static final String ACCESS_KEY = "testing";
    public static final String SECRET_KEY = "testing";
    /**
     * Prefix of the access key id each Lambda worker signs with ({@code drr-function.<function name>}), so the
     * API call log names the calling function; the Step Functions engine signs with {@code drr-state-machine.<name>}.
     */
    public static final String FUNCTION_ACCESS_KEY_PREFIX = "drr-function.";
    /** Directory under the harness log dir ({@code target/}) where each emulator writes its API call log. */
    public static final String API_CALL_LOG_DIR = "api-calls";
    /** Role every {@link #createJavaFunction} function gets (moto insists the role exists). */
    public static final String LAMBDA_ROLE_NAME = "drresponder-local-lambda-role";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(60);
    private static final String MOTO_CONFIG =
            "{\"stepfunctions\":{\"execute_state_machine\":true},\"lambda\":{\"use_docker\":false}}";
    private static final byte[] DUMMY_ZIP = dummyZip();

    private final LambdaHost lambdaHost;
    private final MotoServer moto;
    private final Path sfnMockConfig;
    private final Path apiCallLog;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).proxy(HttpClient.Builder.NO_PROXY).build();
    private final Thread shutdownHook;
    private volatile boolean closed;

    private AwsEmulator(LambdaHost lambdaHost, MotoServer moto, Path sfnMockConfig, Path apiCallLog) {
        this.lambdaHost = lambdaHost;
        this.moto = moto;
        this.sfnMockConfig = sfnMockConfig;
        this.apiCallLog = apiCallLog;
        this.shutdownHook = new Thread(this::closeQuietlyAtExit, "aws-emulator-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /**
     * Starts a Lambda host and a moto server (logs under {@code target/}: {@code moto-logs/moto.log},
     * {@code lambda-logs/<function>.log}, {@code api-calls/<start>-<pid>.jsonl}; {@code -Ddrresponder.harness.logDir}
     * moves them). The API call log is what the build's IAM check (iam-check/) evaluates.
     */
    public static AwsEmulator start() {
        Path base = Path.of(System.getProperty("drresponder.harness.logDir", "target"));
        LambdaHost host = LambdaHost.start(base.resolve("lambda-logs"));
        try {
            Path mockConfig = Files.createTempFile("drr-sfn-mock-config-", ".json");
            mockConfig.toFile().deleteOnExit();
            Path apiCallLog = Files.createDirectories(base.resolve(API_CALL_LOG_DIR)).toAbsolutePath()
                    .resolve(System.currentTimeMillis() + "-" + ProcessHandle.current().pid() + ".jsonl");
            MotoServer moto = MotoServer.start(base.resolve("moto-logs"), Map.of(
                    "DRR_LAMBDA_HOST_PORT", Integer.toString(host.port()),
                    "SFN_MOCK_CONFIG", mockConfig.toAbsolutePath().toString(),
                    "DRR_API_CALL_LOG", apiCallLog.toString()));
            host.awsEndpoint(moto.endpoint());
            AwsEmulator emulator = new AwsEmulator(host, moto, mockConfig, apiCallLog);
            emulator.reset();
            return emulator;
        } catch (IOException | RuntimeException e) {
            host.close();
            if (e instanceof IOException io) {
                throw new UncheckedIOException("Cannot create the Step Functions mock config file", io);
            }
            throw (RuntimeException) e;
        }
    }

    /** Base URL of the emulator, e.g. {@code http://127.0.0.1:41234}. */
    public URI endpoint() {
        return moto.endpoint();
    }

    public String region() {
        return REGION;
    }

    public String accessKey() {
        return ACCESS_KEY;
    }

    public String secretKey() {
        return SECRET_KEY;
    }

    /** moto's default account. */
    public String accountId() {
        return ACCOUNT_ID;
    }

    /** How long moto took from process start to listening. */
    public Duration motoStartupTime() {
        return moto.startupTime();
    }

    /**
     * JSON lines, one per AWS API request served: {@code principal} ({@code type} function / state-machine /
     * caller, {@code name}), {@code service} (IAM prefix), {@code action}, {@code resources} ({@code arn},
     * {@code tags} at request time, null if it did not exist), {@code requestTags}. No parameter values.
     */
    public Path apiCallLog() {
        return apiCallLog;
    }

    /** The moto server's output. */
    public Path motoLogFile() {
        return moto.logFile();
    }

    /** The moto server process (tests prove it is gone after {@link #close()}). */
    public ProcessHandle motoProcess() {
        return moto.processHandle();
    }

    public LambdaHost lambdaHost() {
        return lambdaHost;
    }

    /**
     * Clears all emulator state: moto's resources, the Step Functions mock config, the Lambda workers
     * (the next invoke cold-starts, like a new deployment) and environment overrides; then re-applies
     * the moto configuration (Step Functions executes ASL, Lambda without Docker). Cold start records are kept.
     */
    public void reset() {
        post("/moto-api/reset", "", Map.of());
        JsonNode config = readJson(post("/moto-api/config", MOTO_CONFIG, Map.of("Content-Type", "application/json")));
        // moto echoes only batch and lambda; it stores stepfunctions too (SFN tests prove it executes ASL).
        if (config.path("lambda").path("use_docker").asBoolean(true)) {
            throw new IllegalStateException("moto did not take the harness configuration: " + config);
        }
        clearStepFunctionsMockConfig();
        clearFaults();
        delayRds(java.time.Duration.ZERO);
        lambdaHost.stopAll();
        lambdaHost.clearEnvironmentOverrides();
    }

    /**
     * Sets the Step Functions mock configuration (the Step Functions Local format:
     * {@code {"StateMachines":{name:{"TestCases":{case:{state:response}}}},"MockedResponses":{...}}}).
     * Start an execution with {@code <stateMachineArn>#<TestCase>} to use a test case; the file is read at
     * each StartExecution, so this takes effect at once. {@link #reset()} clears it.
     */
    public void setStepFunctionsMockConfig(String json) {
        try {
            JSON.readTree(json); // fail here, not deep inside moto
            Files.writeString(sfnMockConfig, json, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Invalid or unwritable Step Functions mock config", e);
        }
    }

    /** As {@link #setStepFunctionsMockConfig(String)}, from a file. */
    public void setStepFunctionsMockConfig(Path file) {
        try {
            setStepFunctionsMockConfig(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the Step Functions mock config " + file, e);
        }
    }

    /** Removes the Step Functions mock configuration. */
    public void clearStepFunctionsMockConfig() {
        try {
            Files.writeString(sfnMockConfig, "", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot clear " + sfnMockConfig, e);
        }
    }

    /**
     * Sets the SDK v2 system properties ({@code aws.endpointUrl}, {@code aws.region},
     * {@code aws.accessKeyId}, {@code aws.secretAccessKey}) so that default-built clients in this JVM use
     * the emulator.
     */
    public void applySdkSystemProperties() {
        System.setProperty("aws.endpointUrl", endpoint().toString());
        System.setProperty("aws.region", REGION);
        System.setProperty("aws.accessKeyId", ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", SECRET_KEY);
    }

    /** {@link #createJavaFunction(String, String, Map, int, int)} with a 60 s timeout and 512 MB. */
    public String createJavaFunction(String name, String handler, Map<String, String> environment) {
        return createJavaFunction(name, handler, environment, 60, 512);
    }

    /**
     * Creates a {@code java21} function in moto (and the IAM role it needs) that the {@link LambdaHost}
     * serves with {@code handler} from the worker classpath; the zip is a placeholder.
     *
     * @return the function ARN
     */
    public String createJavaFunction(String name, String handler, Map<String, String> environment,
                                     int timeoutSeconds, int memoryMb) {
        String roleArn = ensureLambdaRole();
        ObjectNode body = JSON.createObjectNode();
        body.put("FunctionName", name);
        body.put("Runtime", "java21");
        body.put("Role", roleArn);
        body.put("Handler", handler);
        body.put("Timeout", timeoutSeconds);
        body.put("MemorySize", memoryMb);
        body.putObject("Code").put("ZipFile", Base64.getEncoder().encodeToString(DUMMY_ZIP));
        ObjectNode vars = body.putObject("Environment").putObject("Variables");
        environment.forEach(vars::put);
        String response = post("/2015-03-31/functions", body.toString(),
                Map.of("Content-Type", "application/json", "Authorization", authorization("lambda")));
        return readJson(response).path("FunctionArn").asText();
    }

    /** The alias the stack's callers (rules, state machines, Secrets Manager) invoke, never the bare function. */
    public static final String LIVE_ALIAS = "live";

    /**
     * A responder function as the stack deploys it: {@link #createJavaFunction(String, String, Map)}, a published
     * version and the {@value #LIVE_ALIAS} alias on it. Returns the alias ARN, so that the local playbooks invoke
     * exactly what they invoke in AWS (and what the roles grant).
     */
    public String deployJavaFunction(String name, String handler, Map<String, String> environment) {
        createJavaFunction(name, handler, environment);
        Map<String, String> headers = Map.of("Content-Type", "application/json", "Authorization", authorization("lambda"));
        String path = "/2015-03-31/functions/" + URLEncoder.encode(name, StandardCharsets.UTF_8);
        String version = readJson(post(path + "/versions", "{}", headers)).path("Version").asText();
        ObjectNode alias = JSON.createObjectNode().put("Name", LIVE_ALIAS).put("FunctionVersion", version);
        return readJson(post(path + "/aliases", alias.toString(), headers)).path("AliasArn").asText();
    }

    private String ensureLambdaRole() {
        String roleArn = "arn:aws:iam::" + ACCOUNT_ID + ":role/" + LAMBDA_ROLE_NAME;
        String trust = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
                + "\"Principal\":{\"Service\":\"lambda.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}";
        String form = "Action=CreateRole&Version=2010-05-08&RoleName=" + LAMBDA_ROLE_NAME
                + "&AssumeRolePolicyDocument=" + URLEncoder.encode(trust, StandardCharsets.UTF_8);
        HttpResponse<String> response = send("/", form, Map.of(
                "Content-Type", "application/x-www-form-urlencoded", "Authorization", authorization("iam")));
        if (response.statusCode() / 100 != 2 && !response.body().contains("EntityAlreadyExists")) {
            throw new IllegalStateException("moto CreateRole failed: HTTP " + response.statusCode() + " " + response.body());
        }
        return roleArn;
    }

    /**
     * The first {@code n} subnets of moto's default VPC, for a DB subnet group (an RDS instance lives in one; a
     * point-in-time restore copies it). A raw EC2 query: the project has no EC2 SDK module.
     */
    public java.util.List<String> defaultSubnetIds(int n) {
        String xml = post("/", "Action=DescribeSubnets&Version=2016-11-15",
                Map.of("Content-Type", "application/x-www-form-urlencoded", "Authorization", authorization("ec2")));
        return java.util.regex.Pattern.compile("<subnetId>([^<]+)</subnetId>").matcher(xml).results().map(m -> m.group(1))
                .distinct().limit(n).toList();
    }

    /**
     * One AWS API request served by the emulator: the service (SigV4 scope), the action, the client kind, the
     * error code a {@link Fault} answered it with ({@code null} if moto served it), the signing access key id
     * ({@code caller}: {@value #FUNCTION_ACCESS_KEY_PREFIX}{@code <function>}, {@code drr-state-machine.<name>}, or
     * a test's key), the request path (REST APIs name the resource there, e.g. Lambda's alias), when it arrived, how
     * long the caller waited for the answer ({@code millis}: nested work such as the Lambda function of an Invoke
     * included) and the CPU time of the emulator thread that served it ({@code cpuMillis}: what the request cost the
     * emulator itself, independent of the machine's load; the Step Functions engine's own threads are not in it).
     */
    public record ApiRequest(String service, String action, String client, String fault, String caller, String path,
                             java.time.Instant at, double millis, double cpuMillis) {}

    /**
     * An AWS failure the emulator injects (moto never fails on its own): the next {@link #times(int)} requests of
     * {@code action} on {@code service} (IAM prefix or SigV4 name: "rds", "secretsmanager", "cloudwatch", "lambda")
     * get an AWS error in the request's protocol, from any caller (functions and state machines' aws-sdk tasks).
     * A {@link #lostResponse} fault lets the call take effect first, as when AWS did the work and the response was
     * lost; the SDK's own retry then meets the result (AlreadyExists, a rotation in progress).
     */
    public record Fault(String service, String action, int status, String code, String message,
                        boolean lostResponse, String matching, int times) {
        public static Fault error(String service, String action, int status, String code) {
            return new Fault(service, action, status, code, null, false, null, 1);
        }

        public static Fault lostResponse(String service, String action) {
            return new Fault(service, action, 500, "InternalFailure", "The response was lost", true, null, 1);
        }

        /** Only requests whose path or body contains {@code text} (a resource name, say). */
        public Fault matching(String text) {
            return new Fault(service, action, status, code, message, lostResponse, text, times);
        }

        public Fault times(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("times must be >= 1; use always()");
            }
            return new Fault(service, action, status, code, message, lostResponse, matching, n);
        }

        /** Every matching request until {@link #clearFaults()} or {@link #reset()}. */
        public Fault always() {
            return new Fault(service, action, status, code, message, lostResponse, matching, -1);
        }

        public Fault message(String text) {
            return new Fault(service, action, status, code, text, lostResponse, matching, times);
        }
    }

    public void injectFault(Fault fault) {
        ObjectNode body = JSON.createObjectNode().put("service", fault.service()).put("action", fault.action())
                .put("status", fault.status()).put("code", fault.code()).put("lostResponse", fault.lostResponse())
                .put("times", fault.times());
        if (fault.message() != null) {
            body.put("message", fault.message());
        }
        if (fault.matching() != null) {
            body.put("matching", fault.matching());
        }
        post("/drr/faults", body.toString(), Map.of("Content-Type", "application/json"));
    }

    /**
     * Real RDS timing, an emulator addition (moto makes every RDS resource available at once): from now on each
     * create/restore/snapshot/modify/promotion leaves its resource {@code creating}/{@code renaming}/{@code modifying} for
     * {@code delay}, then makes it available (a renamed one: its status from before) and emits the RDS event
     * ({@code aws.rds}, as RDS sends it: a renamed cluster RDS-EVENT-0172, a renamed instance none, as RDS documents none)
     * on the default event bus, whose rules deliver to Lambda targets.
     * {@link java.time.Duration#ZERO} (the default; {@link #reset()} restores it) keeps moto's instant behaviour.
     */
    public void delayRds(java.time.Duration delay) {
        delayRds(delay, true);
    }

    /** As {@link #delayRds(java.time.Duration)}; {@code emitEvents=false} drops every RDS event (RDS emits them best effort). */
    public void delayRds(java.time.Duration delay, boolean emitEvents) {
        post("/drr/rds-delay", JSON.createObjectNode().put("seconds", delay.toMillis() / 1000.0).put("events", emitEvents).toString(),
                Map.of("Content-Type", "application/json"));
    }

    /** Removes every injected fault, spent or not. */
    public void clearFaults() {
        post("/drr/faults/clear", "", Map.of());
    }

    /**
     * The AWS API requests the emulator served since {@link #clearRequests()}, oldest first: from the
     * Java functions ({@code java-sdk}) and from the Step Functions engine's service integrations
     * ({@code boto3}). Benchmarks count API calls with it.
     */
    public java.util.List<ApiRequest> requests() {
        JsonNode list = readJson(post("/drr/requests", "", Map.of()));
        java.util.List<ApiRequest> requests = new java.util.ArrayList<>();
        list.forEach(r -> requests.add(new ApiRequest(r.path("service").asText(), r.path("action").asText(), r.path("client").asText(),
                r.path("fault").isTextual() ? r.path("fault").asText() : null, r.path("caller").asText(null), r.path("path").asText(""),
                java.time.Instant.ofEpochMilli(Math.round(r.path("at").asDouble() * 1000)), r.path("ms").asDouble(),
                r.path("cpuMs").asDouble())));
        return requests;
    }

    /** CPU time the emulator process (moto and its Step Functions engine) has used since it started. */
    public Duration motoCpuTime() {
        return moto.processHandle().info().totalCpuDuration()
                .orElseThrow(() -> new IllegalStateException("the OS does not report the emulator's CPU time"));
    }

    /**
     * Where the emulator's CPU went since the last call, as flame-graph "collapsed" lines ({@code outer;...;inner cpu_ms},
     * heaviest first), if the emulator was started with {@code DRR_MOTO_PROFILE=1} in the environment; else empty.
     * A diagnostic for benchmarks: the sampler costs the emulator a few per cent of CPU.
     */
    public String takeCpuProfile() {
        return post("/drr/profile/clear", "", Map.of());
    }

    public void clearRequests() {
        post("/drr/requests/clear", "", Map.of());
    }

    /** moto routes by the SigV4 credential scope and does not check signatures. */
    private static String authorization(String service) {
        return "AWS4-HMAC-SHA256 Credential=" + ACCESS_KEY + "/20240101/" + REGION + "/" + service
                + "/aws4_request, SignedHeaders=host, Signature=0";
    }

    private String post(String path, String body, Map<String, String> headers) {
        HttpResponse<String> response = send(path, body, headers);
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException("moto " + path + " failed: HTTP " + response.statusCode() + " "
                    + response.body());
        }
        return response.body();
    }

    private HttpResponse<String> send(String path, String body, Map<String, String> headers) {
        if (closed) {
            throw new IllegalStateException("AwsEmulator is closed");
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint().resolve(path)).timeout(HTTP_TIMEOUT)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException("moto " + path + " unreachable at " + endpoint() + "; see " + motoLogFile(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while calling moto " + path, e);
        }
    }

    private static JsonNode readJson(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException("moto answered with something other than JSON: " + text, e);
        }
    }

    private static byte[] dummyZip() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry("README.txt"));
            zip.write("Served by com.drresponder.testsupport.LambdaHost from the test classpath.".getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Stops the Lambda workers, the host and moto (the whole process tree). Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            lambdaHost.close();
        } finally {
            moto.close();
            try {
                Files.deleteIfExists(sfnMockConfig);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot delete " + sfnMockConfig, e);
            }
            if (!Thread.currentThread().getName().equals("aws-emulator-shutdown")) {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            }
        }
    }

    private void closeQuietlyAtExit() {
        try {
            close();
        } catch (RuntimeException e) {
            System.err.println("AwsEmulator: cleanup at JVM exit failed: " + e);
        }
    }
}
