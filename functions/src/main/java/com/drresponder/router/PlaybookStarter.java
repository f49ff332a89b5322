package com.drresponder.router;

/** Starts a playbook execution; starting the same name twice returns the first execution's ARN. */
public interface PlaybookStarter {
    String start(String stateMachineArn, String executionName, String input);
}
