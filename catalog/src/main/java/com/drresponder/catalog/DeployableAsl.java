package com.drresponder.catalog;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A playbook's ASL as both deployments (the CDK stack and the local deployment) create it: the file with the top-level
 * {@code TimeoutSeconds} of its catalog entry ({@link Catalog.Playbook#timeoutSeconds()}), substitutions {@code ${Name}}
 * still in place.
 *
 * @param definition     the ASL text with its {@code TimeoutSeconds}
 * @param timeoutSeconds the state machine's {@code TimeoutSeconds}
 */
public record DeployableAsl(String definition, int timeoutSeconds) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Reads {@code <stateMachinesDir>/<playbook>.asl.json} and gives it the playbook's timeout. */
    public static DeployableAsl load(Catalog.Playbook playbook, Path stateMachinesDir) throws IOException {
        ObjectNode asl = (ObjectNode) JSON.readTree(Files.readString(stateMachinesDir.resolve(playbook.stateMachineFile())));
        if (asl.has("TimeoutSeconds")) {
            throw new IllegalStateException(playbook.stateMachineFile() + " sets its own TimeoutSeconds: the catalog entry holds it");
        }
        asl.put("TimeoutSeconds", playbook.timeoutSeconds());
        return new DeployableAsl(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(asl), playbook.timeoutSeconds());
    }

    /** Reads {@code aslFile}, the ASL of one of {@link Catalog#RESPONDER}'s playbooks (tests and tools that hold a file). */
    public static DeployableAsl load(Path aslFile) throws IOException {
        String name = aslFile.getFileName().toString().replace(".asl.json", "");
        return load(Catalog.RESPONDER.playbook(name), aslFile.getParent());
    }
}
