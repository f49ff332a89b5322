package com.drresponder.testsupport;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.IamException;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.LambdaException;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The emulator's fault injection, seen through the real SDK in each protocol the playbooks use. */
@AwsEmulatorTest
class FaultInjectionIT {

    @AfterEach
    void clean(AwsEmulator emulator) {
        emulator.clearFaults();
    }

    @Test
    void queryProtocolCall_should_failWithTheInjectedAwsError_once(AwsEmulator emulator) {
        emulator.injectFault(AwsEmulator.Fault.error("iam", "ListRoles", 403, "AccessDenied").message("not today"));
        try (IamClient iam = Sdk.client(IamClient.builder(), emulator)) {
            assertThatThrownBy(iam::listRoles).isInstanceOfSatisfying(IamException.class, e -> {
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied");
                assertThat(e.statusCode()).isEqualTo(403);
                assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("not today");
            });
            iam.listRoles(); // times(1): spent
        }
    }

    @Test
    void throttling_should_beRetriedByTheSdk_andLoggedPerAttempt(AwsEmulator emulator) {
        emulator.clearRequests();
        emulator.injectFault(AwsEmulator.Fault.error("sfn", "ListStateMachines", 400, "ThrottlingException").times(2));
        try (SfnClient sfn = Sdk.client(SfnClient.builder(), emulator)) {
            sfn.listStateMachines();
        }
        List<AwsEmulator.ApiRequest> calls = emulator.requests().stream()
                .filter(r -> r.action().equals("ListStateMachines")).toList();
        assertThat(calls).extracting(AwsEmulator.ApiRequest::fault).containsExactly("ThrottlingException", "ThrottlingException", null);
    }

    @Test
    void lostResponse_should_performTheCall_andAnswerWithAnError(AwsEmulator emulator) {
        emulator.createJavaFunction("fault-target", "x.Handler", Map.of());
        emulator.injectFault(AwsEmulator.Fault.lostResponse("lambda", "CreateAlias").matching("fault-target"));
        try (LambdaClient lambda = Sdk.client(LambdaClient.builder(), emulator)) {
            // The SDK retries the 500; the retry meets the alias the lost first attempt created.
            assertThatThrownBy(() -> lambda.createAlias(r -> r.functionName("fault-target").name("live").functionVersion("$LATEST")))
                    .isInstanceOfSatisfying(LambdaException.class, e -> assertThat(e.statusCode()).isEqualTo(409));
            assertThat(lambda.getAlias(r -> r.functionName("fault-target").name("live")).functionVersion()).isEqualTo("$LATEST");
        }
    }

    @Test
    void matching_should_limitTheFaultToRequestsNamingTheText(AwsEmulator emulator) {
        emulator.createJavaFunction("fault-other", "x.Handler", Map.of());
        emulator.injectFault(AwsEmulator.Fault.error("lambda", "CreateAlias", 429, "TooManyRequestsException")
                .matching("fault-elsewhere").always());
        try (LambdaClient lambda = Sdk.client(LambdaClient.builder(), emulator)) {
            assertThat(lambda.createAlias(r -> r.functionName("fault-other").name("live").functionVersion("$LATEST")).name())
                    .isEqualTo("live");
        }
    }

    @Test
    void stateMachineSdkTask_should_meetTheInjectedFault(AwsEmulator emulator) {
        emulator.injectFault(AwsEmulator.Fault.error("iam", "ListRoles", 403, "AccessDenied").always());
        String asl = """
                {"StartAt":"List","States":{"List":{"Type":"Task","Resource":"arn:aws:states:::aws-sdk:iam:listRoles",
                  "Parameters":{},"End":true}}}""";
        try (SfnClient sfn = Sdk.client(SfnClient.builder(), emulator)) {
            String sm = sfn.createStateMachine(r -> r.name("fault-sdk-task").definition(asl)
                    .roleArn("arn:aws:iam::" + AwsEmulator.ACCOUNT_ID + ":role/" + AwsEmulator.LAMBDA_ROLE_NAME)).stateMachineArn();
            String exec = sfn.startExecution(r -> r.stateMachineArn(sm).input("{}")).executionArn();
            DescribeExecutionResponse done = Sdk.awaitExecution(sfn, exec, Duration.ofSeconds(60));
            assertThat(done.status()).isEqualTo(ExecutionStatus.FAILED);
            // the injected answer (its status and request id) reached the engine's SDK call
            assertThat(done.cause()).contains("Status Code: 403").contains("drr-fault");
        }
    }
}
