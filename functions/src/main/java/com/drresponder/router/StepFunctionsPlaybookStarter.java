package com.drresponder.router;

import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ExecutionAlreadyExistsException;

/** {@link PlaybookStarter} on Step Functions; the execution name is the idempotency key. */
public final class StepFunctionsPlaybookStarter implements PlaybookStarter {
    private final SfnClient sfn;

    public StepFunctionsPlaybookStarter(SfnClient sfn) {
        this.sfn = sfn;
    }

    @Override
    public String start(String stateMachineArn, String executionName, String input) {
        try {
            return sfn.startExecution(b -> b.stateMachineArn(stateMachineArn).name(executionName).input(input)).executionArn();
        } catch (ExecutionAlreadyExistsException e) {
            return executionArn(stateMachineArn, executionName);
        }
    }

    static String executionArn(String stateMachineArn, String executionName) {
        return stateMachineArn.replaceFirst(":stateMachine:", ":execution:") + ":" + executionName;
    }
}
