package com.drresponder.cli;

import com.drresponder.common.Json;
import com.drresponder.playbook.CredentialResponseRequest;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "respond", description = "Respond to a credential compromise: rotate the secrets (playbook respond-to-credential-compromise).")
final class RespondCommand implements Callable<Integer> {
    @ParentCommand Drctl cli;
    @Mixin RequestOptions request;
    @Option(names = "--secret", arity = "1..*", description = "Secret names or ARNs (repeatable).") List<String> secrets;
    @Option(names = "--tag", description = "Every secret with this tag, key=value.") String tag;

    @Override
    public Integer call() {
        ObjectNode detail = Json.object();
        if (secrets != null) {
            secrets.forEach(detail.putArray("secretIds")::add);
        }
        RestoreCommand.put(detail, "tag", tag);
        return request.send(cli, CredentialResponseRequest.PLAYBOOK, detail, CredentialResponseRequest::parse);
    }
}
