package com.drresponder.testsupport;

import java.time.Duration;
import java.time.Instant;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/** The one bounded wait for a Step Functions execution in the emulator (its engine runs executions in the background). */
public final class Executions {
    private static final Duration INTERVAL = Duration.ofMillis(100);

    private Executions() {}

    /** The execution once it is no longer RUNNING, or as it is when {@code timeout} has passed (then still RUNNING). */
    public static DescribeExecutionResponse poll(SfnClient sfn, String executionArn, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            DescribeExecutionResponse execution = sfn.describeExecution(r -> r.executionArn(executionArn));
            if (execution.status() != ExecutionStatus.RUNNING || Instant.now().isAfter(deadline)) {
                return execution;
            }
            try {
                Thread.sleep(INTERVAL);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + executionArn, e);
            }
        }
    }

    /** The ended execution; an AssertionError (a test's failure) if it still runs after {@code timeout}. */
    public static DescribeExecutionResponse awaitEnd(SfnClient sfn, String executionArn, Duration timeout) {
        DescribeExecutionResponse execution = poll(sfn, executionArn, timeout);
        if (execution.status() == ExecutionStatus.RUNNING) {
            throw new AssertionError("execution still RUNNING after " + timeout + ": " + executionArn);
        }
        return execution;
    }
}
