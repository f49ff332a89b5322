package com.drresponder.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.drresponder.admission.Deployment;
import com.drresponder.common.Json;
import com.drresponder.ledger.InMemoryLedger;
import com.drresponder.testing.SdkRequests;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DbInstanceNotFoundException;
import software.amazon.awssdk.services.rds.model.DescribeDbInstancesRequest;
import software.amazon.awssdk.services.rds.model.DescribeDbInstancesResponse;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.SendTaskSuccessRequest;
import software.amazon.awssdk.services.sfn.model.TaskTimedOutException;

/** The wait's decisions: what resumes a task and what never does. Mockito only for the RDS and Step Functions clients. */
class RdsWaitHandlerTest {
    static final Instant NOW = Instant.parse("2026-11-22T04:00:00Z");
    static final Deployment HERE = new Deployment("aws", "123456789012", "us-east-1");
    final RdsClient rds = mock(RdsClient.class);
    final SfnClient sfn = mock(SfnClient.class);
    final InMemoryLedger ledger = new InMemoryLedger();
    final Map<String, DBInstance> instances = new HashMap<>();
    final RdsWaitHandler handler = new RdsWaitHandler(ledger, sfn, rds, HERE, Clock.fixed(NOW, ZoneOffset.UTC));

    @BeforeEach
    @SuppressWarnings("unchecked")
    void rdsAnswersFromTheMap() {
        when(rds.describeDBInstances(any(Consumer.class))).thenAnswer(inv -> {
            DescribeDbInstancesRequest request = SdkRequests.of(inv, DescribeDbInstancesRequest.builder());
            DBInstance found = instances.get(request.dbInstanceIdentifier());
            if (found == null) {
                throw DbInstanceNotFoundException.builder().message("not found").build();
            }
            return DescribeDbInstancesResponse.builder().dbInstances(found).build();
        });
    }

    void instance(String id, String status, String cluster) {
        instances.put(id, DBInstance.builder().dbInstanceIdentifier(id).dbInstanceStatus(status).dbClusterIdentifier(cluster).build());
    }

    ObjectNode waitInput(String id, String kind, String check) {
        return Json.object().put("taskToken", "token-1").put("incidentId", "inc-1").put("check", check).put("kind", kind).put("id", id)
                .put("since", NOW.toString()).put("seconds", 3600).put("sourceStatus", "available");
    }

    ObjectNode event(String account, String sourceType, String id) {
        ObjectNode event = Json.object().put("source", "aws.rds").put("account", account).put("region", "us-east-1")
                .put("detail-type", "RDS DB Instance Event");
        event.putObject("detail").put("SourceType", sourceType).put("SourceIdentifier", id).put("EventID", "RDS-EVENT-0005")
                .put("SourceArn", "arn:aws:rds:us-east-1:" + account + ":db:" + id).putArray("EventCategories").add("creation");
        return event;
    }

    @Test
    void register_should_keepTheTokenUnderTheResource_and_notResume_when_stillCreating() {
        instance("billing-db-restored-1", "creating", null);

        JsonNode result = (JsonNode) handler.handle(waitInput("billing-db-restored-1", "instance", "database"));

        assertThat(result.path("waiting").asBoolean()).isTrue();
        assertThat(ledger.rdsWait("DB_INSTANCE#billing-db-restored-1")).get().satisfies(w -> {
            assertThat(w.taskToken()).isEqualTo("token-1");
            assertThat(w.check()).doesNotContain("token-1"); // the check is replayed, the token is only the key's value
        });
        verify(sfn, never()).sendTaskSuccess(any(Consumer.class));
    }

    @Test
    void register_should_resumeAtOnce_when_theResourceIsAlreadyAvailable() {
        // the event may have come before the token was kept: the wait must not depend on it
        instance("billing-db-restored-1", "available", null);

        handler.handle(waitInput("billing-db-restored-1", "instance", "database"));

        assertThat(sentToken()).isEqualTo("token-1");
        assertThat(ledger.rdsWait("DB_INSTANCE#billing-db-restored-1")).isEmpty();
    }

    @Test
    void register_should_rejectUnknownFields() {
        assertThatThrownBy(() -> handler.handle(waitInput("x", "instance", "database").put("resumeAnyway", true)))
                .hasMessageContaining("resumeAnyway: is not a known field");
    }

    @Test
    void resume_should_resumeTheWaitingTask_when_rdsSaysTheResourceIsReady() {
        instance("billing-db-restored-1", "creating", null);
        handler.handle(waitInput("billing-db-restored-1", "instance", "database"));
        instance("billing-db-restored-1", "available", null);

        JsonNode result = (JsonNode) handler.handle(event("123456789012", "DB_INSTANCE", "billing-db-restored-1"));

        assertThat(result.path("resumed").asInt()).isEqualTo(1);
        assertThat(sentToken()).isEqualTo("token-1");
        assertThat(ledger.rdsWait("DB_INSTANCE#billing-db-restored-1")).isEmpty();
    }

    @Test
    void resume_should_notResume_when_theEventSaysCreatedButRdsSaysCreating() {
        instance("billing-db-restored-1", "creating", null);
        handler.handle(waitInput("billing-db-restored-1", "instance", "database"));

        JsonNode result = (JsonNode) handler.handle(event("123456789012", "DB_INSTANCE", "billing-db-restored-1"));

        assertThat(result.path("resumed").asInt()).isZero();
        verify(sfn, never()).sendTaskSuccess(any(Consumer.class));
        assertThat(ledger.rdsWait("DB_INSTANCE#billing-db-restored-1")).isPresent();
    }

    @Test
    void resume_should_ignoreTheEvent_when_itComesFromAnotherAccount() {
        instance("billing-db-restored-1", "creating", null);
        handler.handle(waitInput("billing-db-restored-1", "instance", "database"));
        instance("billing-db-restored-1", "available", null);

        JsonNode result = (JsonNode) handler.handle(event("999999999999", "DB_INSTANCE", "billing-db-restored-1"));

        assertThat(result.path("ignored").asText()).contains("account 999999999999");
        verify(sfn, never()).sendTaskSuccess(any(Consumer.class));
    }

    @Test
    @SuppressWarnings("unchecked")
    void resume_should_wakeTheClustersWait_when_anAuroraInstanceIsCreated() {
        // a restored Aurora cluster is ready when its instances are: their events concern the cluster's wait
        when(rds.describeDBClusters(any(Consumer.class))).thenReturn(software.amazon.awssdk.services.rds.model.DescribeDbClustersResponse.builder()
                .dbClusters(software.amazon.awssdk.services.rds.model.DBCluster.builder().dbClusterIdentifier("orders-db-restored-1")
                        .status("available").endpoint("e").port(5432)
                        .dbClusterMembers(m -> m.dbInstanceIdentifier("orders-db-restored-1-1")).build()).build());
        instance("orders-db-restored-1-1", "creating", "orders-db-restored-1");
        handler.handle(waitInput("orders-db-restored-1", "cluster", "database"));
        instance("orders-db-restored-1-1", "available", "orders-db-restored-1");

        JsonNode result = (JsonNode) handler.handle(event("123456789012", "DB_INSTANCE", "orders-db-restored-1-1"));

        assertThat(result.path("resumed").asInt()).isEqualTo(1);
        assertThat(sentToken()).isEqualTo("token-1");
    }

    @Test
    @SuppressWarnings("unchecked")
    void resume_should_forgetAStaleToken_when_theTaskHasEnded() {
        instance("billing-db-restored-1", "creating", null);
        handler.handle(waitInput("billing-db-restored-1", "instance", "database"));
        instance("billing-db-restored-1", "available", null);
        when(sfn.sendTaskSuccess(any(Consumer.class))).thenThrow(TaskTimedOutException.builder().message("timed out").build());

        JsonNode result = (JsonNode) handler.handle(event("123456789012", "DB_INSTANCE", "billing-db-restored-1"));

        assertThat(result.path("resumed").asInt()).isZero();
        assertThat(ledger.rdsWait("DB_INSTANCE#billing-db-restored-1")).isEmpty();
    }

    @Test
    void resourceKey_should_useTheRdsEventsSourceType() {
        assertThat(RdsWaitHandler.resourceKey("snapshot", "cluster", "s")).isEqualTo("CLUSTER_SNAPSHOT#s");
        assertThat(RdsWaitHandler.resourceKey("snapshot", "instance", "s")).isEqualTo("SNAPSHOT#s");
        assertThat(RdsWaitHandler.resourceKey("source-renamed", "cluster", "c")).isEqualTo("CLUSTER#c");
        assertThat(RdsWaitHandler.resourceKey("database", "instance", "i")).isEqualTo("DB_INSTANCE#i");
    }

    @SuppressWarnings("unchecked")
    String sentToken() {
        ArgumentCaptor<Consumer<SendTaskSuccessRequest.Builder>> captor = ArgumentCaptor.forClass(Consumer.class);
        verify(sfn).sendTaskSuccess(captor.capture());
        SendTaskSuccessRequest.Builder builder = SendTaskSuccessRequest.builder();
        captor.getValue().accept(builder);
        return builder.build().taskToken();
    }
}
