package com.drresponder.testsupport;

import com.drresponder.testsupport.fixtures.EchoHandler;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Uses its own emulator (not the shared one) to prove that closing it leaves no process behind. */
class ProcessCleanupIT {

    @Test
    void close_should_leaveNoMotoOrWorkerProcess() {
        // GIVEN a running emulator with a warm worker
        List<ProcessHandle> started = new ArrayList<>();
        AwsEmulator emulator = AwsEmulator.start();
        try {
            System.out.printf("ProcessCleanupIT: moto started in %d ms%n", emulator.motoStartupTime().toMillis());
            emulator.createJavaFunction("cleanup-echo", EchoHandler.class.getName(), Map.of());
            try (LambdaClient lambda = Sdk.client(LambdaClient.builder(), emulator)) {
                lambda.invoke(r -> r.functionName("cleanup-echo").payload(SdkBytes.fromUtf8String("{}")));
            }
            started.add(emulator.motoProcess());
            started.addAll(emulator.motoProcess().descendants().toList());
            started.addAll(emulator.lambdaHost().workerProcesses());
            assertThat(started).hasSizeGreaterThanOrEqualTo(2).allMatch(ProcessHandle::isAlive);
        } finally {
            // WHEN
            emulator.close();
        }
        // THEN
        assertThat(started).noneMatch(ProcessHandle::isAlive);
        assertThat(ProcessHandle.current().children().filter(p -> started.stream().anyMatch(s -> s.pid() == p.pid())))
                .isEmpty();
    }
}
