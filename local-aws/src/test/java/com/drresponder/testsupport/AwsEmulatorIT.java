package com.drresponder.testsupport;

import com.drresponder.testsupport.fixtures.EchoHandler;
import com.drresponder.testsupport.fixtures.FailingHandler;
import com.drresponder.testsupport.fixtures.SlowHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@AwsEmulatorTest
class AwsEmulatorIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration EXECUTION_TIMEOUT = Duration.ofSeconds(120);

    private static String asl(String functionArn) {
        return """
                {"Comment":"harness test","StartAt":"Echo","States":{
                  "Echo":{"Type":"Task","Comment":"calls the Java handler","Resource":"arn:aws:states:::lambda:invoke",
                    "Parameters":{"FunctionName":"%s","Payload.$":"$"},
                    "OutputPath":"$.Payload",
                    "Catch":[{"ErrorEquals":["com.drresponder.testsupport.fixtures.FailingHandler$RecoveryBlockedException"],
                              "ResultPath":"$.error","Next":"Recovered"}],
                    "End":true},
                  "Recovered":{"Type":"Pass","Comment":"the catch target","Result":"caught","ResultPath":"$.outcome","End":true}}}
                """.formatted(functionArn);
    }

    private static String createStateMachine(SfnClient sfn, String name, String definition) {
        return sfn.createStateMachine(r -> r.name(name).definition(definition)
                .roleArn("arn:aws:iam::" + AwsEmulator.ACCOUNT_ID + ":role/" + AwsEmulator.LAMBDA_ROLE_NAME))
                .stateMachineArn();
    }

    @Test
    void stepFunctionsLambdaTask_should_runJavaHandler_when_executionStarts(AwsEmulator emulator) throws Exception {
        // GIVEN
        String fn = emulator.createJavaFunction("echo", EchoHandler.class.getName() + "::handleRequest",
                Map.of("GREETING", "hello from env"));
        try (SfnClient sfn = Sdk.client(SfnClient.builder(), emulator)) {
            String sm = createStateMachine(sfn, "echo-flow", asl(fn));
            // WHEN
            String exec = sfn.startExecution(r -> r.stateMachineArn(sm).input("{\"resource\":\"db-1\"}")).executionArn();
            DescribeExecutionResponse done = Sdk.awaitExecution(sfn, exec, EXECUTION_TIMEOUT);
            // THEN
            assertThat(done.status()).as(done.toString()).isEqualTo(ExecutionStatus.SUCCEEDED);
            JsonNode output = JSON.readTree(done.output());
            assertThat(output.path("resource").asText()).isEqualTo("db-1");
            assertThat(output.path("greeting").asText()).isEqualTo("hello from env");
            assertThat(output.path("functionName").asText()).isEqualTo("echo");
            assertThat(output.path("endpoint").asText()).isEqualTo(emulator.endpoint().toString());
            assertThat(output.path("pid").asLong()).isNotEqualTo(ProcessHandle.current().pid());
        }
    }

    @Test
    void directInvoke_should_reachHandler_and_logToFunctionLog(AwsEmulator emulator) throws Exception {
        // GIVEN
        emulator.createJavaFunction("echo-direct", EchoHandler.class.getName(), Map.of("GREETING", "hi"));
        try (LambdaClient lambda = Sdk.client(LambdaClient.builder(), emulator)) {
            // WHEN
            InvokeResponse first = lambda.invoke(r -> r.functionName("echo-direct")
                    .payload(SdkBytes.fromUtf8String("{\"n\":1}")));
            InvokeResponse second = lambda.invoke(r -> r.functionName("echo-direct")
                    .payload(SdkBytes.fromUtf8String("{\"n\":2}")));
            // THEN
            assertThat(first.functionError()).isNull();
            JsonNode out1 = JSON.readTree(first.payload().asUtf8String());
            JsonNode out2 = JSON.readTree(second.payload().asUtf8String());
            assertThat(out1.path("n").asInt()).isEqualTo(1);
            assertThat(out1.path("greeting").asText()).isEqualTo("hi");
            assertThat(out2.path("pid").asLong()).as("warm worker reused").isEqualTo(out1.path("pid").asLong());
            assertThat(emulator.lambdaHost().coldStarts("echo-direct")).hasSize(1);
            LambdaHost.ColdStart cold = emulator.lambdaHost().coldStarts("echo-direct").getFirst();
            System.out.printf("Worker cold start (EchoHandler): init %d ms, spawn to first response %d ms%n",
                    cold.initDuration().toMillis(), cold.firstResponse().toMillis());
            assertThat(Files.readString(emulator.lambdaHost().logFile("echo-direct"))).contains("echo invoked with [n]");
        }
    }

    @Test
    void handlerException_should_reachCatch_when_stateMachineCatchesItsType(AwsEmulator emulator) throws Exception {
        // GIVEN
        String fn = emulator.createJavaFunction("failing", FailingHandler.class.getName() + "::handleRequest", Map.of());
        try (SfnClient sfn = Sdk.client(SfnClient.builder(), emulator);
             LambdaClient lambda = Sdk.client(LambdaClient.builder(), emulator)) {
            String sm = createStateMachine(sfn, "failing-flow", asl(fn));
            // WHEN
            InvokeResponse direct = lambda.invoke(r -> r.functionName("failing")
                    .payload(SdkBytes.fromUtf8String("{\"resource\":\"db-2\"}")));
            String exec = sfn.startExecution(r -> r.stateMachineArn(sm).input("{\"resource\":\"db-2\"}")).executionArn();
            DescribeExecutionResponse done = Sdk.awaitExecution(sfn, exec, EXECUTION_TIMEOUT);
            // THEN
            assertThat(direct.functionError()).isEqualTo("Unhandled");
            JsonNode error = JSON.readTree(direct.payload().asUtf8String());
            assertThat(error.path("errorType").asText()).isEqualTo(FailingHandler.RecoveryBlockedException.class.getName());
            assertThat(error.path("errorMessage").asText()).isEqualTo("cannot recover db-2");
            assertThat(done.status()).as(done.toString()).isEqualTo(ExecutionStatus.SUCCEEDED);
            JsonNode output = JSON.readTree(done.output());
            assertThat(output.path("outcome").asText()).isEqualTo("caught");
            assertThat(output.path("error").path("Error").asText())
                    .isEqualTo(FailingHandler.RecoveryBlockedException.class.getName());
            assertThat(output.path("error").path("Cause").asText()).contains("cannot recover db-2");
        }
    }

    @Test
    void mockConfig_should_forceErrorPath_when_executionNamesTestCase(AwsEmulator emulator) throws Exception {
        // GIVEN a Step Functions Local mock config whose test case makes the Lambda task throw
        String fn = emulator.createJavaFunction("echo-mocked", EchoHandler.class.getName(), Map.of());
        emulator.setStepFunctionsMockConfig("""
                {"StateMachines":{"mocked-flow":{"TestCases":{"Blocked":{"Echo":"BlockedResponse"},
                                                              "Happy":{"Echo":"HappyResponse"}}}},
                 "MockedResponses":{
                   "BlockedResponse":{"0":{"Throw":{"Error":"com.drresponder.testsupport.fixtures.FailingHandler$RecoveryBlockedException","Cause":"mocked"}}},
                   "HappyResponse":{"0":{"Return":{"StatusCode":200,"Payload":{"mocked":true}}}}}}
                """);
        try (SfnClient sfn = Sdk.client(SfnClient.builder(), emulator)) {
            String sm = createStateMachine(sfn, "mocked-flow", asl(fn));
            // WHEN
            String blocked = sfn.startExecution(r -> r.stateMachineArn(sm + "#Blocked").input("{}")).executionArn();
            String happy = sfn.startExecution(r -> r.stateMachineArn(sm + "#Happy").input("{}")).executionArn();
            DescribeExecutionResponse blockedDone = Sdk.awaitExecution(sfn, blocked, EXECUTION_TIMEOUT);
            DescribeExecutionResponse happyDone = Sdk.awaitExecution(sfn, happy, EXECUTION_TIMEOUT);
            // THEN
            assertThat(blocked).as("unnamed executions get distinct names").isNotEqualTo(happy);
            assertThat(JSON.readTree(blockedDone.output()).path("outcome").asText()).isEqualTo("caught");
            assertThat(JSON.readTree(happyDone.output()).path("mocked").asBoolean()).isTrue();
            assertThat(emulator.lambdaHost().coldStarts("echo-mocked")).as("mocked task never invokes").isEmpty();
        }
    }

    @Test
    void invoke_should_fail_when_handlerRunsPastTimeout(AwsEmulator emulator) throws Exception {
        // GIVEN
        emulator.createJavaFunction("slow", SlowHandler.class.getName(), Map.of(), 1, 256);
        try (LambdaClient lambda = Sdk.client(LambdaClient.builder(), emulator)) {
            // WHEN
            InvokeResponse warm = lambda.invoke(r -> r.functionName("slow").payload(SdkBytes.fromUtf8String("10")));
            InvokeResponse timedOut = lambda.invoke(r -> r.functionName("slow").payload(SdkBytes.fromUtf8String("5000")));
            // THEN
            assertThat(warm.payload().asUtf8String()).isEqualTo("\"slept 10\"");
            assertThat(timedOut.functionError()).isEqualTo("Unhandled");
            assertThat(JSON.readTree(timedOut.payload().asUtf8String()).path("errorType").asText()).isEqualTo("Sandbox.Timedout");
            assertThat(emulator.lambdaHost().workerProcesses()).as("timed-out worker is killed").isEmpty();
        }
    }

    @Test
    void reset_should_clearFunctionsAndWorkers(AwsEmulator emulator) {
        // GIVEN
        emulator.createJavaFunction("to-be-reset", EchoHandler.class.getName(), Map.of());
        try (LambdaClient lambda = Sdk.client(LambdaClient.builder(), emulator)) {
            lambda.invoke(r -> r.functionName("to-be-reset").payload(SdkBytes.fromUtf8String("{}")));
            assertThat(emulator.lambdaHost().workerProcesses()).hasSize(1);
            // WHEN
            emulator.reset();
            // THEN
            assertThat(lambda.listFunctions().functions()).isEmpty();
            assertThat(emulator.lambdaHost().workerProcesses()).isEmpty();
            // and the emulator still runs Java functions after the reset (config re-applied)
            emulator.createJavaFunction("to-be-reset", EchoHandler.class.getName(), Map.of("GREETING", "again"));
            InvokeResponse again = lambda.invoke(r -> r.functionName("to-be-reset").payload(SdkBytes.fromUtf8String("{}")));
            assertThat(again.payload().asUtf8String()).contains("\"greeting\":\"again\"");
        }
    }

    @Test
    void eachTest_should_startFromEmptyState(AwsEmulator emulator) {
        try (LambdaClient lambda = Sdk.client(LambdaClient.builder(), emulator)) {
            assertThat(lambda.listFunctions().functions()).isEmpty();
        }
    }

    @Test
    void reservedConcurrency_should_reachTheHost_throughMoto(AwsEmulator emulator) throws Exception {
        emulator.createJavaFunction("slow-reserved", SlowHandler.class.getName(), Map.of());
        emulator.createJavaFunction("slow-free", SlowHandler.class.getName(), Map.of());
        try (LambdaClient lambda = Sdk.client(LambdaClient.builder(), emulator)) {
            lambda.putFunctionConcurrency(r -> r.functionName("slow-reserved").reservedConcurrentExecutions(1));
            for (String fn : java.util.List.of("slow-reserved", "slow-free")) {
                // a thread per call: the common pool may have a single thread on a small machine
                try (var threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
                    java.util.List<java.util.concurrent.Future<InvokeResponse>> calls = java.util.stream.IntStream.range(0, 2)
                            .mapToObj(i -> threads.submit(() -> lambda.invoke(r -> r.functionName(fn)
                                    .payload(SdkBytes.fromUtf8String("1000"))))).toList();
                    for (var call : calls) {
                        assertThat(call.get().functionError()).isNull();
                    }
                }
            }
        }
        assertThat(emulator.lambdaHost().coldStarts("slow-reserved")).hasSize(1);
        assertThat(emulator.lambdaHost().coldStarts("slow-free")).hasSize(2);
    }
}
