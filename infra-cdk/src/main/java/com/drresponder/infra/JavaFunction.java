package com.drresponder.infra;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.lambda.SnapStartConf;
import software.amazon.awscdk.services.lambda.Tracing;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.constructs.Construct;

/**
 * One DR Responder Java Lambda: Java 21 on arm64, SnapStart on published versions, an alias {@code live}
 * (the only thing targets and state machines invoke), X-Ray tracing, Powertools settings, and an explicit
 * log group kept for one month.
 */
public final class JavaFunction extends Construct {
    public static final String ALIAS_NAME = "live";
    public static final int DEFAULT_MEMORY_MB = 1024;
    public static final Duration DEFAULT_TIMEOUT = Duration.seconds(30);
    /** Tiered compilation stopped at C1: the fastest start for short-lived handlers. */
    public static final String JAVA_TOOL_OPTIONS = "-XX:+TieredCompilation -XX:TieredStopAtLevel=1";
    public static final String METRICS_NAMESPACE = "DrResponder";

    private final Function function;
    private final Alias alias;
    private final LogGroup logGroup;
    private final Role role;

    /**
     * Typed props.
     *
     * @param serviceName          logical name, e.g. {@code incident-router}; becomes POWERTOOLS_SERVICE_NAME
     * @param handler              {@code com.drresponder...Handler::handleRequest}
     * @param code                 the deployment package
     * @param memoryMb             memory size
     * @param timeout              function timeout
     * @param environment          extra environment (contract variables)
     * @param reservedConcurrency  reserved concurrency, or null for unreserved
     * @param description          shown in the console
     */
    public record Props(String serviceName, String handler, Code code, int memoryMb, Duration timeout,
                        Map<String, String> environment, Integer reservedConcurrency, String description) {
        public Props {
            Objects.requireNonNull(serviceName, "serviceName");
            Objects.requireNonNull(handler, "handler");
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(timeout, "timeout");
            environment = Map.copyOf(environment);
        }

        /** Defaults: 1024 MB, 30 s, no extra environment, unreserved concurrency. */
        public static Props of(String serviceName, String handler, Code code) {
            return new Props(serviceName, handler, code, DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT, Map.of(), null, serviceName);
        }

        public Props withEnvironment(Map<String, String> env) {
            return new Props(serviceName, handler, code, memoryMb, timeout, env, reservedConcurrency, description);
        }

        public Props withReservedConcurrency(Integer n) {
            return new Props(serviceName, handler, code, memoryMb, timeout, environment, n, description);
        }

        public Props withMemoryMb(int mb) {
            return new Props(serviceName, handler, code, mb, timeout, environment, reservedConcurrency, description);
        }

        public Props withTimeout(Duration t) {
            return new Props(serviceName, handler, code, memoryMb, t, environment, reservedConcurrency, description);
        }

        public Props withDescription(String d) {
            return new Props(serviceName, handler, code, memoryMb, timeout, environment, reservedConcurrency, d);
        }
    }

    public JavaFunction(Construct scope, String id, Props props) {
        super(scope, id);
        this.logGroup = LogGroup.Builder.create(this, "LogGroup")
                .retention(RetentionDays.ONE_MONTH)
                .build();
        // Own role instead of AWSLambdaBasicExecutionRole: write to this function's log group only.
        this.role = Role.Builder.create(this, "Role")
                .assumedBy(new ServicePrincipal("lambda.amazonaws.com"))
                .description("DR Responder " + props.serviceName())
                .build();
        logGroup.grantWrite(role);
        Map<String, String> env = new LinkedHashMap<>();
        env.put("POWERTOOLS_SERVICE_NAME", props.serviceName());
        env.put("POWERTOOLS_METRICS_NAMESPACE", METRICS_NAMESPACE);
        env.put("POWERTOOLS_LOG_LEVEL", "INFO");
        env.put("JAVA_TOOL_OPTIONS", JAVA_TOOL_OPTIONS);
        env.putAll(props.environment());
        this.function = Function.Builder.create(this, "Function")
                .description(props.description())
                .runtime(Runtime.JAVA_21)
                .architecture(Architecture.ARM_64)
                .role(role)
                .handler(props.handler())
                .code(props.code())
                .memorySize(props.memoryMb())
                .timeout(props.timeout())
                .snapStart(SnapStartConf.ON_PUBLISHED_VERSIONS)
                .tracing(Tracing.ACTIVE)
                .logGroup(logGroup)
                .reservedConcurrentExecutions(props.reservedConcurrency())
                .environment(env)
                .build();
        this.alias = Alias.Builder.create(this, "LiveAlias")
                .aliasName(ALIAS_NAME)
                .version(function.getCurrentVersion())
                .build();
        Annotations.of(function).acknowledgeWarning("@aws-cdk/aws-lambda:snapStartRequirePublish",
                "Every deploy publishes a version (currentVersion) and the live alias points at it; callers use only the alias.");
    }

    public Function function() { return function; }

    /** The {@code live} alias: what rules, state machines and grants use. */
    public Alias alias() { return alias; }

    public LogGroup logGroup() { return logGroup; }

    /** The execution role: grants go here. */
    public Role role() { return role; }

    /** Adds (or replaces) an environment variable, e.g. a state machine ARN known only later. */
    public void addEnvironment(String name, String value) { function.addEnvironment(name, value); }
}
