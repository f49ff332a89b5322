package com.drresponder.cli;

import com.drresponder.local.ResponderDeployment;
import com.drresponder.testsupport.AwsEmulator;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.ComparisonOperator;
import software.amazon.awssdk.services.cloudwatch.model.StateValue;
import software.amazon.awssdk.services.cloudwatch.model.Statistic;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.Runtime;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * The whole responder in the local emulator: moto plus the Java Lambda host (workers run the real
 * handlers from this JVM's classpath, which holds the functions jar), the responder's resources from
 * {@link ResponderDeployment}, and a small protected estate to act on.
 */
final class LocalRuntime implements AutoCloseable {
    static final String FUNCTION = "checkout-api";
    static final String ALIAS = "live";
    static final String ALARM = "checkout-api-live-errors";
    /** The estate matches the samples' story: live went 1 -> 7 (events/samples/cloudtrail), then its error alarm fired. */
    static final int VERSIONS = 7;

    final AwsEmulator emulator;
    private final boolean owned;
    final Path root;
    Target target;
    ResponderDeployment.Deployed deployed;

    private LocalRuntime(AwsEmulator emulator, boolean owned, Path root) {
        this.emulator = emulator;
        this.owned = owned;
        this.root = root;
        this.target = Target.local(state(ProcessHandle.current().pid(), Map.of(), "", ""));
    }

    /** Starts an emulator (logs under .local/logs); {@link #close()} stops it and every worker JVM. */
    static LocalRuntime start(Path root) {
        if (System.getProperty("drresponder.harness.logDir") == null) {
            System.setProperty("drresponder.harness.logDir", root.resolve(".local").resolve("logs").toString());
        }
        return new LocalRuntime(AwsEmulator.start(), true, root);
    }

    /** Uses an emulator someone else owns (tests). */
    static LocalRuntime on(AwsEmulator emulator, Path root) {
        return new LocalRuntime(emulator, false, root);
    }

    /** Local configuration: enforce mode, any tagged resource protected, a short verify loop. */
    static Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("DR_MODE", "enforce");
        env.put("PROTECTION_TAG_KEY", "dr:protected");
        env.put("PROTECTED_RESOURCES", "*");
        env.put("VERIFY_WINDOW_SECONDS", "45");
        env.put("VERIFY_POLL_SECONDS", "1");
        env.put("POWERTOOLS_SERVICE_NAME", "dr-responder");
        env.put("POWERTOOLS_METRICS_NAMESPACE", "DrResponder");
        return env;
    }

    static Map<String, String> settings() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("DrMode", "enforce");
        s.put("ProtectionTagKey", "dr:protected");
        s.put("VerifyWindowMinutes", "1");
        s.put("VerifyWindowSeconds", "45");
        s.put("MaxRollbacksPerHour", "3");
        s.put("CooldownMinutes", "10");
        s.put("RtoTargetMinutes", "60");
        s.put("RpoTargetMinutes", "5");
        s.put("LambdaRtoTargetMinutes", "15");
        return s;
    }

    LocalRuntime deploy(PrintStream log) {
        long t0 = System.nanoTime();
        Map<String, String> settings = new java.util.HashMap<>(settings());
        // The stack's WAF block list, which the credential playbook adds hostile IPs to.
        try (var waf = target.client(software.amazon.awssdk.services.wafv2.Wafv2Client.builder())) {
            var ipSet = waf.createIPSet(b -> b.name("dr-responder-blocklist").scope("REGIONAL").ipAddressVersion("IPV4")
                    .addresses(List.of())).summary();
            settings.put("WafIpSetName", ipSet.name());
            settings.put("WafIpSetId", ipSet.id());
            settings.put("WafScope", "REGIONAL");
        }
        deployed = ResponderDeployment.deploy(target.dynamo(), target.client(SnsClient.builder()), target.sfn(),
                emulator::createJavaFunction, root.resolve("statemachines"), emulator.region(), emulator.accountId(),
                environment(), settings);
        target.close();
        target = Target.local(state(ProcessHandle.current().pid()));
        log.printf("deployed: ledger %s, topic %s, %d functions, playbooks %s (%d ms)%n", deployed.table(),
                deployed.topicArn().substring(deployed.topicArn().lastIndexOf(':') + 1), deployed.functionArns().size(),
                deployed.stateMachineArns().keySet(), (System.nanoTime() - t0) / 1_000_000);
        deployed.skipped().forEach((name, why) -> log.printf("  not deployed: %s (%s)%n", name, why));
        return this;
    }

    /** checkout-api (tagged dr:protected=true) with versions 1..7, alias live on 7, and its error alarm (OK). */
    LocalRuntime estate(PrintStream log) {
        LambdaClient lambda = target.lambda();
        lambda.createFunction(b -> b.functionName(FUNCTION).runtime(Runtime.PYTHON3_12).handler("app.handler")
                .role("arn:aws:iam::" + emulator.accountId() + ":role/" + AwsEmulator.LAMBDA_ROLE_NAME)
                .code(c -> c.zipFile(SdkBytes.fromByteArray(new byte[] {80, 75, 5, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})))
                .tags(Map.of("dr:protected", "true")));
        for (int v = 1; v <= VERSIONS; v++) {
            String description = "release " + v;
            lambda.updateFunctionConfiguration(b -> b.functionName(FUNCTION).description(description));
            lambda.publishVersion(b -> b.functionName(FUNCTION).description(description));
        }
        lambda.createAlias(b -> b.functionName(FUNCTION).name(ALIAS).functionVersion(Integer.toString(VERSIONS)));
        try (CloudWatchClient cw = target.client(CloudWatchClient.builder())) {
            cw.putMetricAlarm(b -> b.alarmName(ALARM).namespace("AWS/Lambda").metricName("Errors")
                    .dimensions(d -> d.name("FunctionName").value(FUNCTION), d -> d.name("Resource").value(FUNCTION + ":" + ALIAS))
                    .statistic(Statistic.SUM).period(60).evaluationPeriods(1).threshold(1.0)
                    .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD));
        }
        log.printf("estate: %s (dr:protected=true) versions 1..%d, alias %s -> %d; alarm %s%n", FUNCTION, VERSIONS, ALIAS, VERSIONS, ALARM);
        return this;
    }

    void alarm(StateValue state, String reason) {
        try (CloudWatchClient cw = target.client(CloudWatchClient.builder())) {
            cw.setAlarmState(b -> b.alarmName(ALARM).stateValue(state).stateReason(reason));
        }
    }

    String aliasVersion() {
        return target.lambda().getAlias(b -> b.functionName(FUNCTION).name(ALIAS)).functionVersion();
    }

    /** What `--local` commands need to reach this runtime. */
    LocalState state(long pid) {
        return state(pid, deployed.stateMachineArns(), deployed.routerArn(), deployed.topicArn());
    }

    private LocalState state(long pid, Map<String, String> machines, String router, String topic) {
        return new LocalState(pid, emulator.endpoint().toString(), emulator.region(), emulator.accountId(), ResponderDeployment.TABLE,
                topic, router, Map.copyOf(machines), Instant.now().toString());
    }

    DynamoDbClient dynamo() {
        return target.dynamo();
    }

    SfnClient sfn() {
        return target.sfn();
    }

    @Override
    public void close() {
        target.close();
        if (owned) {
            emulator.close();
        }
    }
}
