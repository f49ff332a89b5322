package com.drresponder.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Every catalog playbook has its page under docs/playbooks/; the rollback page names every way its execution ends. */
class PlaybookDocsTest {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @Test
    void everyPlaybook_should_haveItsPage_when_inTheCatalog() {
        for (Catalog.Playbook p : Catalog.RESPONDER.playbooks()) {
            assertThat(ROOT.resolve("docs/playbooks/" + p.name() + ".md")).as(p.name()).isRegularFile();
        }
    }

    @Test
    void rollbackPage_should_nameEveryEndOfTheStateMachine_when_read() throws Exception {
        JsonNode asl = new ObjectMapper().readTree(ROOT.resolve("statemachines/rollback-lambda-alias.asl.json").toFile());
        Set<String> ends = new TreeSet<>();
        asl.path("States").properties().forEach(e -> {
            String type = e.getValue().path("Type").asText();
            if (type.equals("Succeed") || type.equals("Fail")) {
                ends.add(e.getKey());
            }
        });
        String page = Files.readString(ROOT.resolve("docs/playbooks/rollback-lambda-alias.md"));

        assertThat(ends).isNotEmpty().allSatisfy(end -> assertThat(page).as("docs/playbooks/rollback-lambda-alias.md").contains("`" + end + "`"));
    }
}
