package com.drresponder.cli;

import com.drresponder.common.Json;
import com.drresponder.playbook.CredentialResponseRequest;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "respond", description = "Respond to a credential compromise: rotate the secrets (playbook respond-to-credential-compromise).")
final class RespondCommand implements Callable<Integer> {
    @ParentCommand Drctl cli;
    @Option(names = "--secret", arity = "1..*", description = "Secret names or ARNs (repeatable).") List<String> secrets;
    @Option(names = "--tag", description = "Every secret with this tag, key=value.") String tag;
    @Option(names = "--reason", description = "Why (lands on the timeline).") String reason;
    @Option(names = "--severity", description = "P1..P4 (default P3).") String severity;
    @Option(names = "--dry-run", description = "Plan and record only; change nothing.") boolean dryRun;
    @Option(names = {"-f", "--follow"}, description = "Follow the execution to its end.") boolean follow;

    @Override
    public Integer call() {
        ObjectNode detail = Json.object();
        if (secrets != null) {
            secrets.forEach(detail.putArray("secretIds")::add);
        }
        RestoreCommand.put(detail, "tag", tag);
        RestoreCommand.put(detail, "reason", reason);
        RestoreCommand.put(detail, "severity", severity);
        detail.put("dryRun", dryRun);
        ManualRequest.validate(detail, CredentialResponseRequest::parse);
        Severities.validate(severity);
        return ManualRequest.send(cli, CredentialResponseRequest.PLAYBOOK, detail, follow);
    }
}
