package com.drresponder.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A playbook's ASL as both deployments (the CDK stack and the local deployment) create it: the file with the top-level
 * {@code TimeoutSeconds} of its catalog entry ({@link Catalog.Playbook#timeoutSeconds()}), and every record-step Task's
 * payload with the {@code step} that identifies its entry ({@value #STEP_FIELD}: the state's name and entry time, the same
 * for each retry of that Task, so a retry after a lost response does not write its timeline entry twice); substitutions
 * {@code ${Name}} still in place.
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
        identifyRecordSteps(asl.path("States"));
        return new DeployableAsl(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(asl), playbook.timeoutSeconds());
    }

    static final String STEP_FIELD = "step";
    static final String RECORD_STEP = "${RecordStepFunctionArn}";

    /** Every record-step Task, in Map and Parallel states too, passes {@code step}: {@code $$.State.Name} and {@code EnteredTime}. */
    private static void identifyRecordSteps(JsonNode states) {
        states.forEach(state -> {
            JsonNode parameters = state.path("Parameters");
            if ("Task".equals(state.path("Type").asText()) && RECORD_STEP.equals(parameters.path("FunctionName").asText())) {
                if (!(parameters.path("Payload") instanceof ObjectNode payload)) {
                    throw new IllegalStateException("a record-step Task passes its Payload as an object (it gets the step's identity), got "
                            + parameters.path("Payload"));
                }
                payload.putObject(STEP_FIELD).put("name.$", "$$.State.Name").put("enteredAt.$", "$$.State.EnteredTime");
            }
            identifyRecordSteps(state.path("ItemProcessor").path("States"));
            identifyRecordSteps(state.path("Iterator").path("States"));
            state.path("Branches").forEach(branch -> identifyRecordSteps(branch.path("States")));
        });
    }

    /** Reads {@code aslFile}, the ASL of one of {@link Catalog#RESPONDER}'s playbooks (tests and tools that hold a file). */
    public static DeployableAsl load(Path aslFile) throws IOException {
        String name = aslFile.getFileName().toString().replace(".asl.json", "");
        return load(Catalog.RESPONDER.playbook(name), aslFile.getParent());
    }
}
