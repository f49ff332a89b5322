package com.drresponder.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.drresponder.common.Json;
import com.drresponder.events.RepositoryFiles;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The catalog's playbook timeouts: each playbook's TimeoutSeconds covers the longest run its configuration allows (else
 * Step Functions would end a legitimate run), and the local deployment applies it where it loads the ASL.
 */
class PlaybookTimeoutsTest {
    static final Duration LONGEST_PHASE = Duration.ofMinutes(1440); // timeoutMinutes (restore) / verifyWindowMinutes (rollback) at most

    static long timeout(String playbook) throws Exception {
        return com.drresponder.catalog.Catalog.RESPONDER.playbook(playbook).timeoutSeconds();
    }

    @Test
    void timeouts_should_coverTheLongestConfiguredRun_when_readFromTheCatalog() throws Exception {
        JsonNode restore = Json.MAPPER.readTree(RepositoryFiles.read("statemachines/restore-database-to-point-in-time.asl.json"));
        long approval = restore.path("States").path("Request approval").path("TimeoutSeconds").asLong();
        assertThat(approval).isPositive();
        assertThat(timeout("restore-database-to-point-in-time")).isGreaterThan(approval + 6 * LONGEST_PHASE.toSeconds());
        assertThat(timeout("rollback-lambda-alias")).isGreaterThan(LONGEST_PHASE.toSeconds());
        long perSecret = 2 * com.drresponder.catalog.Catalog.MAX_ROTATION_CHECKS * 5; // passes x the most ROTATION_MAX_CHECKS x the 5 s Wait
        assertThat(timeout("respond-to-credential-compromise")).isGreaterThan(perSecret * 150 / 5);
    }

    @Test
    void definition_should_carryTheCatalogsTimeout_when_loadedForTheLocalDeployment() throws Exception {
        for (com.drresponder.catalog.Catalog.Playbook playbook : com.drresponder.catalog.Catalog.RESPONDER.playbooks()) {
            String name = playbook.name();
            Path file = RepositoryFiles.resolve("statemachines/" + playbook.stateMachineFile());
            JsonNode asl = Json.MAPPER.readTree(com.drresponder.catalog.DeployableAsl.load(playbook, file.getParent()).definition());
            assertThat(asl.path("TimeoutSeconds").asLong()).as(name).isEqualTo(timeout(name)).isPositive();
            assertThat(asl.path("States").size()).as(name).isPositive();
        }
    }
}
