package com.drresponder.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.drresponder.common.Json;
import com.drresponder.common.PollBudget;
import com.drresponder.testing.SdkRequests;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DescribeDbInstancesRequest;
import software.amazon.awssdk.services.rds.model.DescribeDbInstancesResponse;

/** The promotion wait's check: done as RDS reports it, and the pacing of the next check; Mockito only for the RDS client. */
class CheckFailoverHandlerTest {
    static final Instant NOW = Instant.parse("2026-12-02T18:00:00Z");
    final RdsClient rds = mock(RdsClient.class);
    final CheckFailoverHandler handler = new CheckFailoverHandler(rds, Clock.fixed(NOW, ZoneOffset.UTC), incidentId -> { },
            new FailoverRegions(null, java.util.Set.of(), null, null), new PollBudget(Duration.ofSeconds(10), 3));

    @Test
    @SuppressWarnings("unchecked")
    void check_should_paceTheNextTurn_and_sayTheBudgetIsSpent_when_thePromotionIsStillRunningAtTheLastTurn() {
        // GIVEN a replica RDS is still promoting
        when(rds.describeDBInstances(any(Consumer.class))).thenAnswer(inv -> {
            assertThat(SdkRequests.of(inv, DescribeDbInstancesRequest.builder()).dbInstanceIdentifier()).isEqualTo("orders-db-replica");
            return DescribeDbInstancesResponse.builder().dbInstances(DBInstance.builder().dbInstanceIdentifier("orders-db-replica")
                    .dbInstanceStatus("modifying").build()).build();
        });
        ObjectNode check = Json.object().put("kind", "instance").put("id", "orders-db-replica").put("target", "orders-db-replica")
                .put("incidentId", "inc-1").put("since", NOW.minusSeconds(60).toString()).put("seconds", 7200).put("pollSeconds", 30);
        // WHEN the second and the third check run
        JsonNode second = (JsonNode) handler.handle(check.deepCopy().put("turn", 1));
        JsonNode third = (JsonNode) handler.handle(check.deepCopy().put("turn", 2));
        // THEN neither is done; the waits back off from 30 s, and the third check is the budget's last
        assertThat(second.toString()).isEqualTo("{\"ready\":false,\"status\":\"modifying\",\"pastDeadline\":false,"
                + "\"turn\":2,\"waitSeconds\":45,\"budgetExhausted\":false}");
        assertThat(third.path("turn").asInt()).isEqualTo(3);
        assertThat(third.path("waitSeconds").asLong()).isEqualTo(68);
        assertThat(third.path("budgetExhausted").asBoolean()).isTrue();
    }
}
