package com.drresponder.cli;

import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "follow", description = "Follow a playbook execution live: each step with its time, what long waits wait for, then the outcome and timeline.")
final class FollowCommand implements Callable<Integer> {
    @ParentCommand Drctl cli;
    @Parameters(paramLabel = "INCIDENT|EXECUTION", description = "Incident id or execution ARN.") String ref;
    @Option(names = "--timeout", defaultValue = "0", description = "Give up after this many seconds (0: wait for the end).") long timeoutSeconds;

    @Override
    public Integer call() {
        return new Follower(cli, cli.target()).timeout(Duration.ofSeconds(timeoutSeconds)).follow(ref);
    }
}
