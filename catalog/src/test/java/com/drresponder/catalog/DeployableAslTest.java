package com.drresponder.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ASL both deployments create: each record-step Task identifies its timeline entry by its state and entry time. */
class DeployableAslTest {
    static final Path STATE_MACHINES = Path.of("..", "statemachines").toAbsolutePath().normalize();
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void load_should_giveEveryRecordStepTaskItsStepIdentity_when_anyPlaybookIsLoaded() throws Exception {
        for (Catalog.Playbook playbook : Catalog.RESPONDER.playbooks()) {
            // GIVEN the file's record-step Tasks, those inside Map states included
            List<JsonNode> inFile = recordSteps(JSON.readTree(STATE_MACHINES.resolve(playbook.stateMachineFile()).toFile()).path("States"));
            // WHEN the deployments load it
            List<JsonNode> deployed = recordSteps(JSON.readTree(DeployableAsl.load(playbook, STATE_MACHINES).definition()).path("States"));
            // THEN each passes the state's name and entry time (the same for every retry of the Task), and nothing else changed
            assertThat(inFile).as(playbook.name()).isNotEmpty().allSatisfy(t -> assertThat(t.path("Parameters").path("Payload").has("step")).isFalse());
            assertThat(deployed).as(playbook.name()).hasSameSizeAs(inFile).allSatisfy(t -> assertThat(t.path("Parameters").path("Payload").path("step"))
                    .isEqualTo(JSON.readTree("{\"name.$\": \"$$.State.Name\", \"enteredAt.$\": \"$$.State.EnteredTime\"}")));
        }
    }

    @Test
    void load_should_refuse_when_aRecordStepTaskPassesItsPayloadAsAPath(@TempDir Path dir) throws Exception {
        // GIVEN a record-step Task whose payload is the whole state input (no object to add the step to)
        Catalog.Playbook playbook = Catalog.RESPONDER.playbooks().get(0);
        Files.writeString(dir.resolve(playbook.stateMachineFile()), """
                {"StartAt": "Record", "States": {"Record": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                 "Parameters": {"FunctionName": "${RecordStepFunctionArn}", "Payload.$": "$"}, "End": true}}}""");
        // WHEN loaded THEN refused: that step's retries could not be told apart from new entries
        assertThatThrownBy(() -> DeployableAsl.load(playbook, dir)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("record-step Task passes its Payload as an object");
    }

    static List<JsonNode> recordSteps(JsonNode states) {
        List<JsonNode> found = new ArrayList<>();
        states.forEach(s -> {
            if (s.path("Parameters").path("FunctionName").asText().equals("${RecordStepFunctionArn}")) {
                found.add(s);
            }
            found.addAll(recordSteps(s.path("ItemProcessor").path("States")));
            found.addAll(recordSteps(s.path("Iterator").path("States")));
            s.path("Branches").forEach(b -> found.addAll(recordSteps(b.path("States"))));
        });
        return found;
    }
}
