package com.drresponder.testing;

import com.drresponder.local.ResponderDeployment;
import com.drresponder.testsupport.Executions;
import static org.assertj.core.api.Assertions.assertThat;

import com.drresponder.common.Json;
import com.drresponder.ledger.DynamoDbLedger;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;

/**
 * Starts a deployed playbook's executions in the emulator, waits for them, approves them as drctl does, and checks
 * every finished execution's history for the secret values a test created. Each finished run prints one
 * {@code BENCHMARK <name>} line (docs/BENCHMARKS.md): state transitions, Lambda invocations (with the turns of the
 * {@code pollState}), RDS calls of the state machine, Wait turns and wall time (approval waits included: tests
 * answer as soon as they see the token). {@code approver} answers approvals; {@code approvalWait}: how long the steps
 * before the gate may take.
 */
public record PlaybookExecutions(LocalResponder responder, String stateMachineArn, String benchmark, String pollState,
        List<String> secrets, String approver, Duration approvalWait) {
    public static String id(ObjectNode input) {
        return input.get("incidentId").asText();
    }

    /** Starts an execution named after the input's incident id (what the router does). */
    public String start(ObjectNode input) {
        return responder.sfn.startExecution(r -> r.stateMachineArn(stateMachineArn).name(id(input)).input(input.toString())).executionArn();
    }

    public DescribeExecutionResponse await(String executionArn) throws InterruptedException {
        return await(executionArn, Duration.ofSeconds(300));
    }

    /** As {@link #await(String)}, for runs that wait on RDS time the emulator lets pass ({@code delayRds}). */
    public DescribeExecutionResponse await(String executionArn, Duration limit) throws InterruptedException {
        SfnClient sfn = responder.sfn;
        DescribeExecutionResponse d = Executions.poll(sfn, executionArn, limit);
        if (d.status() == ExecutionStatus.RUNNING) {
            throw new AssertionError("execution still running after " + limit.toSeconds() + " s: " + history(executionArn));
        }
        printCost(executionArn, d);
        ExecutionHistorySecrets.assertNoneIn(sfn, executionArn, secrets);
        return d;
    }

    /**
     * The run escalated on AccessDenied (a retry cannot grant a permission); returns the role it ran as, which the
     * escalation must name for whoever fixes the grant.
     */
    public String assertAccessDenied(DescribeExecutionResponse run) {
        assertStatus(run, ExecutionStatus.FAILED);
        assertThat(run.error()).isEqualTo("AccessDenied");
        return ResponderDeployment.playbookRoleArn(responder.emulator.accountId());
    }

    /** The status, with the execution's history as the message when it differs. */
    public void assertStatus(DescribeExecutionResponse run, ExecutionStatus expected) {
        assertThat(run.status()).as(() -> String.join("\n", history(run.executionArn()))).isEqualTo(expected);
    }

    public List<String> history(String executionArn) {
        return events(executionArn).stream().map(PlaybookExecutions::describe).toList();
    }

    /** The token as drctl reads it: from the ledger's approval item (never the timeline). */
    public String awaitApprovalToken(ObjectNode input) throws InterruptedException {
        DynamoDbLedger ledger = responder.ledger();
        Instant deadline = Instant.now().plus(approvalWait);
        while (Instant.now().isBefore(deadline)) {
            var token = ledger.approvalToken(id(input));
            if (token.isPresent()) {
                return token.get();
            }
            Thread.sleep(250);
        }
        throw new AssertionError("no approval token in the ledger: " + ledger.timeline(id(input)));
    }

    /** Approves as drctl does (approved true and the caller's ARN), then waits for the end. */
    public DescribeExecutionResponse approveAndAwait(String executionArn, ObjectNode input) throws InterruptedException {
        return approveAndAwait(executionArn, input, Duration.ofSeconds(300));
    }

    /** As {@link #approveAndAwait(String, ObjectNode)}, for runs that wait on RDS time the emulator lets pass ({@code delayRds}). */
    public DescribeExecutionResponse approveAndAwait(String executionArn, ObjectNode input, Duration limit) throws InterruptedException {
        return answerAndAwait(executionArn, input, Json.object().put("approved", true).put("approver", approver), limit);
    }

    /** As {@link #approveAndAwait(String, ObjectNode)}, answering as {@code drctl approve --allow-data-loss} does. */
    public DescribeExecutionResponse approveAllowingDataLossAndAwait(String executionArn, ObjectNode input) throws InterruptedException {
        return answerAndAwait(executionArn, input, Json.object().put("approved", true).put("approver", approver).put("allowDataLoss", true),
                Duration.ofSeconds(300));
    }

    private DescribeExecutionResponse answerAndAwait(String executionArn, ObjectNode input, ObjectNode answer, Duration limit) throws InterruptedException {
        String token = awaitApprovalToken(input);
        responder.sfn.sendTaskSuccess(r -> r.taskToken(token).output(answer.toString()));
        return await(executionArn, limit);
    }

    private void printCost(String executionArn, DescribeExecutionResponse d) {
        List<HistoryEvent> events = events(executionArn);
        long transitions = events.stream().filter(e -> e.typeAsString().endsWith("StateEntered")).count();
        long waits = events.stream().filter(e -> e.typeAsString().equals("WaitStateEntered")).count();
        long lambdas = events.stream().filter(e -> e.taskScheduledEventDetails() != null && e.taskScheduledEventDetails().resourceType().equals("lambda")).count();
        long rdsCalls = events.stream().filter(e -> e.taskScheduledEventDetails() != null && e.taskScheduledEventDetails().resourceType().contains("rds")).count();
        long polls = events.stream().filter(e -> e.stateEnteredEventDetails() != null && e.stateEnteredEventDetails().name().equals(pollState)).count();
        System.out.printf("BENCHMARK %s %s status=%s transitions=%d lambdaInvokes=%d (polls=%d) rdsSdkCalls=%d waitTurns=%d wall=%d ms%n",
                benchmark, d.name(), d.status(), transitions, lambdas, polls, rdsCalls, waits, Duration.between(d.startDate(), d.stopDate()).toMillis());
    }

    public List<HistoryEvent> events(String executionArn) {
        return responder.sfn.getExecutionHistory(r -> r.executionArn(executionArn).maxResults(1000)).events();
    }

    /** The SDK's toString redacts error and cause; tests need them. */
    static String describe(HistoryEvent e) {
        String name = e.stateEnteredEventDetails() != null ? " " + e.stateEnteredEventDetails().name() : "";
        String failure = e.taskFailedEventDetails() != null ? " " + e.taskFailedEventDetails().error() + ": " + e.taskFailedEventDetails().cause()
                : e.executionFailedEventDetails() != null ? " " + e.executionFailedEventDetails().error() + ": " + e.executionFailedEventDetails().cause() : "";
        return e.id() + " " + e.typeAsString() + name + failure;
    }
}
