package com.drresponder.rollback;

import com.drresponder.testing.EmulatorClients;
import com.drresponder.testing.LocalResponder;
import com.drresponder.testsupport.AwsEmulator;
import java.time.Duration;
import java.util.Map;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.ComparisonOperator;
import software.amazon.awssdk.services.cloudwatch.model.StateValue;
import software.amazon.awssdk.services.cloudwatch.model.Statistic;
import software.amazon.awssdk.services.lambda.LambdaClient;

/**
 * The rollback playbook's world in the emulator, shared by its IT and benchmarks: the responder (router,
 * playbook, its Java steps) and a protected function {@code checkout-api} with versions 1-3, alias
 * {@code live} on 3, and its error alarm firing.
 */
public final class RollbackEstate {
    public static final String FUNCTION = "checkout-api";
    public static final String ALARM = "checkout-api-live-errors";
    public static final String ALARM_EVENT = "events/samples/cloudwatch/lambda-errors-alarm.json";

    public final LocalResponder responder;
    public final LambdaClient lambda;
    public final CloudWatchClient cloudWatch;
    public final String functionArn;

    private RollbackEstate(AwsEmulator emulator, Map<String, String> env) {
        this.responder = deployResponder(emulator, env);
        this.lambda = EmulatorClients.of(emulator, LambdaClient.builder());
        this.cloudWatch = EmulatorClients.of(emulator, CloudWatchClient.builder());
        this.functionArn = protectedFunctionWithThreeVersions(emulator, lambda);
        firingAlarm(cloudWatch);
    }

    /** The router, the rollback playbook and its Java steps; {@code env} overrides their environment (VERIFY_POLL_SECONDS 1). */
    public static LocalResponder deployResponder(AwsEmulator emulator, Map<String, String> env) {
        String stateMachineArn = "arn:aws:states:" + emulator.region() + ":" + emulator.accountId() + ":stateMachine:rollback-lambda-alias";
        LocalResponder r = LocalResponder.create(emulator).env("ROLLBACK_STATE_MACHINE_ARN", stateMachineArn).env("VERIFY_POLL_SECONDS", "1");
        env.forEach(r::env);
        r.function("RecordStep", "com.drresponder.timeline.RecordStepHandler::handleRequest")
                .function("PlanRollback", "com.drresponder.rollback.PlanRollbackHandler::handleRequest")
                .function("RecordRollback", "com.drresponder.rollback.RecordRollbackHandler::handleRequest")
                .function("CheckAlarm", "com.drresponder.rollback.CheckAlarmHandler::handleRequest")
                .function("IncidentRouter", "com.drresponder.router.IncidentRouterHandler::handleRequest");
        r.playbook("rollback-lambda-alias", Map.of());
        return r;
    }

    /** @param env extra function environment, e.g. VERIFY_WINDOW_SECONDS */
    public static RollbackEstate deploy(AwsEmulator emulator, Map<String, String> env) {
        return new RollbackEstate(emulator, env);
    }

    public static RollbackEstate deploy(AwsEmulator emulator, Duration verifyWindow) {
        return deploy(emulator, Map.of("VERIFY_WINDOW_SECONDS", Long.toString(verifyWindow.toSeconds())));
    }

    /** The protected function; it is never invoked, only its versions and alias matter. */
    public static String protectedFunctionWithThreeVersions(AwsEmulator emulator, LambdaClient lambda) {
        return functionWithThreeVersions(emulator, lambda, FUNCTION, true);
    }

    /** {@code name} with versions 1-3 and alias {@code live} on 3; tagged {@code dr:protected=true} if {@code protect}. */
    public static String functionWithThreeVersions(AwsEmulator emulator, LambdaClient lambda, String name, boolean protect) {
        String arn = emulator.createJavaFunction(name, "example.Handler::handleRequest", Map.of());
        if (protect) {
            lambda.tagResource(b -> b.resource(arn).tags(Map.of("dr:protected", "true")));
        }
        for (int v = 1; v <= 3; v++) {
            String description = "release " + v;
            lambda.updateFunctionConfiguration(b -> b.functionName(name).description(description));
            lambda.publishVersion(b -> b.functionName(name).description(description));
        }
        lambda.createAlias(b -> b.functionName(name).name("live").functionVersion("3"));
        return arn;
    }

    public static void firingAlarm(CloudWatchClient cloudWatch) {
        firingAlarm(cloudWatch, FUNCTION, ALARM);
    }

    /** An error alarm on {@code function:live}, in ALARM. */
    public static void firingAlarm(CloudWatchClient cloudWatch, String function, String alarmName) {
        cloudWatch.putMetricAlarm(b -> b.alarmName(alarmName).namespace("AWS/Lambda").metricName("Errors")
                .dimensions(d -> d.name("FunctionName").value(function), d -> d.name("Resource").value(function + ":live"))
                .statistic(Statistic.SUM).period(60).evaluationPeriods(1).threshold(1.0)
                .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD));
        setAlarm(cloudWatch, alarmName, StateValue.ALARM);
    }

    public static void setAlarm(CloudWatchClient cloudWatch, StateValue state) {
        setAlarm(cloudWatch, ALARM, state);
    }

    public static void setAlarm(CloudWatchClient cloudWatch, String alarmName, StateValue state) {
        cloudWatch.setAlarmState(b -> b.alarmName(alarmName).stateValue(state).stateReason("set by the test"));
    }

    public String aliasVersion() {
        return lambda.getAlias(b -> b.functionName(FUNCTION).name("live")).functionVersion();
    }
}
