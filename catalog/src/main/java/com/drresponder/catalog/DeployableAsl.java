package com.drresponder.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A playbook's ASL as both deployments (the CDK stack and the local deployment) create it: the file with the top-level
 * {@code TimeoutSeconds} from {@value #TIMEOUTS} beside it, substitutions {@code ${Name}} still in place.
 *
 * @param definition     the ASL text with its {@code TimeoutSeconds}
 * @param timeoutSeconds the state machine's {@code TimeoutSeconds}
 */
public record DeployableAsl(String definition, int timeoutSeconds) {
    /** The one table of playbook timeouts, next to the ASL files. */
    public static final String TIMEOUTS = "timeouts.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Reads {@code aslFile}; a playbook missing from the table fails: every state machine has a timeout. */
    public static DeployableAsl load(Path aslFile) throws IOException {
        String name = aslFile.getFileName().toString().replace(".asl.json", "");
        Path table = aslFile.resolveSibling(TIMEOUTS);
        JsonNode timeout = JSON.readTree(Files.readString(table)).path(name).path("timeoutSeconds");
        if (!timeout.canConvertToInt() || timeout.asInt() <= 0) {
            throw new IllegalStateException("no timeoutSeconds for playbook " + name + " in " + table);
        }
        ObjectNode asl = (ObjectNode) JSON.readTree(Files.readString(aslFile));
        asl.put("TimeoutSeconds", timeout.asInt());
        return new DeployableAsl(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(asl), timeout.asInt());
    }
}
