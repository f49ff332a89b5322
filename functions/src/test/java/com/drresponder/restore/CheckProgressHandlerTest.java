package com.drresponder.restore;

import com.drresponder.testing.SdkRequests;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.drresponder.common.Json;
import com.drresponder.common.PollBudget;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBCluster;
import software.amazon.awssdk.services.rds.model.DbClusterNotFoundException;
import software.amazon.awssdk.services.rds.model.DescribeDbClustersRequest;
import software.amazon.awssdk.services.rds.model.DescribeDbClustersResponse;

/** The poll step's cut-over checks and phase deadlines; Mockito only for the RDS client. */
class CheckProgressHandlerTest {
    static final Instant NOW = Instant.parse("2026-11-22T04:00:00Z");
    final RdsClient rds = mock(RdsClient.class);
    final Map<String, DBCluster> clusters = new HashMap<>();
    final CheckProgressHandler handler = new CheckProgressHandler(rds, Clock.fixed(NOW, ZoneOffset.UTC), incidentId -> { },
            new PollBudget(Duration.ofSeconds(10), 5));

    @BeforeEach
    @SuppressWarnings("unchecked")
    void rdsAnswersFromTheMap() {
        when(rds.describeDBClusters(any(Consumer.class))).thenAnswer(inv -> {
            DescribeDbClustersRequest request = SdkRequests.of(inv, DescribeDbClustersRequest.builder());
            DBCluster found = clusters.get(request.dbClusterIdentifier());
            if (found == null) {
                throw DbClusterNotFoundException.builder().message("not found").build();
            }
            return DescribeDbClustersResponse.builder().dbClusters(found).build();
        });
    }

    void cluster(String id, String status) {
        clusters.put(id, DBCluster.builder().dbClusterIdentifier(id).status(status).endpoint(id + ".local").port(5432).build());
    }

    static ObjectNode sourceRenamed(String statusBefore) {
        return Json.object().put("check", "source-renamed").put("kind", "cluster").put("id", "orders-db-old-1").put("sourceStatus", statusBefore);
    }

    @Test
    void sourceRenamed_should_beReady_when_sourceSettledUnderOldName_inTheStateItHadBefore() {
        cluster("orders-db-old-1", "storage-full");
        JsonNode out = (JsonNode) handler.handle(sourceRenamed("storage-full"));
        assertThat(out.get("ready").asBoolean()).isTrue();
        assertThat(out.get("status").asText()).isEqualTo("storage-full");
    }

    @Test
    void sourceRenamed_should_notBeReady_when_stillRenamingOrNotFound() {
        assertThat(((JsonNode) handler.handle(sourceRenamed("available"))).get("ready").asBoolean()).isFalse();
        cluster("orders-db-old-1", "renaming");
        assertThat(((JsonNode) handler.handle(sourceRenamed("available"))).get("ready").asBoolean()).isFalse();
    }

    @Test
    void sourceRenamed_should_fail_when_sourceTurnsTerminalDuringCutover() {
        cluster("orders-db-old-1", "storage-full");
        assertThatThrownBy(() -> handler.handle(sourceRenamed("available"))).isInstanceOf(RestoreStepFailedException.class)
                .hasMessage("source orders-db-old-1 became storage-full during the cut-over (it was available)");
    }

    @Test
    void waitCheck_should_paceTheNextTurnAndEndAtTheBudget_when_theRestoresLoopsShareIt() {
        // GIVEN a budget of 5 checks per execution; the source still renaming; the rename wait's second check (4 before this
        // one, 3 of them in earlier phases), at a 20 s interval
        cluster("orders-db-old-1", "renaming");
        ObjectNode event = sourceRenamed("available").put("turn", 4).put("loopFrom", 3).put("pollSeconds", 20);
        // WHEN checked
        JsonNode out = (JsonNode) handler.handle(event);
        // THEN not ready, turn 5 of 5: the budget is spent (the playbook compensates), the backoff counted in this loop only
        assertThat(out.get("ready").asBoolean()).isFalse();
        assertThat(out.get("turn").asInt()).isEqualTo(5);
        assertThat(out.get("waitSeconds").asLong()).isEqualTo(30);
        assertThat(out.get("budgetExhausted").asBoolean()).isTrue();
        // AND one turn earlier it was not
        assertThat(((JsonNode) handler.handle(event.put("turn", 3))).get("budgetExhausted").asBoolean()).isFalse();
    }

    @Test
    void locateSource_should_tellWhetherTheRenameHappened() {
        ObjectNode event = Json.object().put("check", "locate-source").put("kind", "cluster").put("id", "orders-db-old-1").put("sourceId", "orders-db");
        cluster("orders-db", "available");
        assertThat(((JsonNode) handler.handle(event)).get("renamed").asBoolean()).as("still at its name").isFalse();
        cluster("orders-db", "renaming");
        assertThat(((JsonNode) handler.handle(event)).get("renamed").asBoolean()).as("on its way").isTrue();
        clusters.remove("orders-db");
        cluster("orders-db-old-1", "available");
        assertThat(((JsonNode) handler.handle(event)).get("renamed").asBoolean()).as("moved").isTrue();
    }

    @Test
    void pastDeadline_should_countFromThePhaseStart_not_fromValidation() {
        cluster("orders-db-restored-1", "creating");
        ObjectNode event = Json.object().put("check", "database").put("kind", "cluster").put("id", "orders-db-restored-1").put("seconds", 600);
        assertThat(((JsonNode) handler.handle(event.put("since", NOW.minusSeconds(599).toString()))).get("pastDeadline").asBoolean()).isFalse();
        assertThat(((JsonNode) handler.handle(event.put("since", NOW.minusSeconds(601).toString()))).get("pastDeadline").asBoolean()).isTrue();
    }

    @Test
    void undoCutover_should_decideFromWhatAnswersAtEachName() {
        clusters.put("orders-db", DBCluster.builder().dbClusterIdentifier("orders-db").status("available")
                .tagList(t -> t.key("dr:incident").value("inc-1")).build());
        cluster("orders-db-old-1", "available");
        ObjectNode event = Json.object().put("check", "undo-cutover").put("kind", "cluster").put("id", "orders-db-old-1").put("sourceId", "orders-db")
                .put("targetId", "orders-db-restored-1").put("incidentId", "inc-1").put("since", NOW.toString()).put("seconds", 600);
        assertThat(((JsonNode) handler.handle(event)).get("action").asText()).isEqualTo("rename-restored-back");
    }
    // ---- after a failed create/restore call (a retry after a lost answer meets AlreadyExists): ours or not?

    static ObjectNode ours(String id) {
        return Json.object().put("check", "ours-database").put("kind", "cluster").put("id", id).put("incidentId", "inc-1");
    }

    void taggedCluster(String id, String incident) {
        clusters.put(id, DBCluster.builder().dbClusterIdentifier(id).status("creating")
                .tagList(software.amazon.awssdk.services.rds.model.Tag.builder().key("dr:incident").value(incident).build()).build());
    }

    @Test
    void oursDatabase_should_beOurs_when_copyCarriesThisIncidentsTag() {
        taggedCluster("orders-db-restored-1", "inc-1");
        JsonNode out = (JsonNode) handler.handle(ours("orders-db-restored-1"));
        assertThat(out.get("exists").asBoolean()).isTrue();
        assertThat(out.get("ours").asBoolean()).isTrue();
        assertThat(out.get("detail").asText()).contains("took effect");
    }

    @Test
    void oursDatabase_should_notBeOurs_when_anotherIncidentOrNobodyCreatedIt() {
        taggedCluster("orders-db-restored-1", "inc-2");
        clusters.put("orders-db-restored-2", DBCluster.builder().dbClusterIdentifier("orders-db-restored-2").status("available").build());
        JsonNode foreign = (JsonNode) handler.handle(ours("orders-db-restored-1"));
        assertThat(foreign.get("exists").asBoolean()).isTrue();
        assertThat(foreign.get("ours").asBoolean()).isFalse();
        assertThat(foreign.get("detail").asText()).contains("is not this incident's (dr:incident=inc-2)");
        JsonNode untagged = (JsonNode) handler.handle(ours("orders-db-restored-2"));
        assertThat(untagged.get("ours").asBoolean()).isFalse();
        assertThat(untagged.get("detail").asText()).contains("dr:incident=none");
    }

    @Test
    void oursDatabase_should_notExist_when_theCallTookNoEffect() {
        JsonNode out = (JsonNode) handler.handle(ours("orders-db-restored-9"));
        assertThat(out.get("exists").asBoolean()).isFalse();
        assertThat(out.get("ours").asBoolean()).isFalse();
        assertThat(out.get("detail").asText()).contains("did not take effect");
    }
    @Test
    @SuppressWarnings("unchecked")
    void oursSnapshot_should_readTheSnapshotsIncidentTag_when_instanceSnapshot() {
        when(rds.describeDBSnapshots(any(Consumer.class))).thenAnswer(inv -> {
            var request = SdkRequests.of(inv, software.amazon.awssdk.services.rds.model.DescribeDbSnapshotsRequest.builder());
            if (!"billing-db-pre-restore-1".equals(request.dbSnapshotIdentifier())) {
                throw software.amazon.awssdk.services.rds.model.DbSnapshotNotFoundException.builder().message("not found").build();
            }
            return software.amazon.awssdk.services.rds.model.DescribeDbSnapshotsResponse.builder().dbSnapshots(software.amazon.awssdk.services.rds.model.DBSnapshot.builder()
                    .dbSnapshotIdentifier("billing-db-pre-restore-1").status("creating")
                    .tagList(software.amazon.awssdk.services.rds.model.Tag.builder().key("dr:incident").value("inc-1").build()).build()).build();
        });
        ObjectNode check = Json.object().put("check", "ours-snapshot").put("kind", "instance").put("incidentId", "inc-1");
        assertThat(((JsonNode) handler.handle(check.deepCopy().put("id", "billing-db-pre-restore-1"))).get("ours").asBoolean()).isTrue();
        JsonNode missing = (JsonNode) handler.handle(check.deepCopy().put("id", "billing-db-pre-restore-2"));
        assertThat(missing.get("exists").asBoolean()).isFalse();
        assertThat(missing.get("ours").asBoolean()).isFalse();
    }
}
