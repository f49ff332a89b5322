package com.drresponder.cli;

import picocli.CommandLine.Command;

@Command(name = "reject", description = "Reject the step an incident's playbook waits on (SendTaskFailure, error Rejected).")
final class RejectCommand extends ApproveCommand {
    @Override
    boolean approve() {
        return false;
    }
}
