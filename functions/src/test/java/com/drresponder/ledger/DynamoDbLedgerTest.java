package com.drresponder.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.drresponder.incident.Incident;
import com.drresponder.incident.IncidentStatus;
import com.drresponder.incident.Severity;
import java.time.Instant;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;

/** What the ledger writes, as DynamoDB is asked: the incident's input never holds a credential. */
class DynamoDbLedgerTest {

    @Test
    @SuppressWarnings("unchecked")
    void openIncident_should_storeRedactedInput_when_requestCarriesCredentials() {
        // GIVEN a request whose input carries a password and a URL with credentials
        DynamoDbClient dynamo = mock(DynamoDbClient.class);
        ArgumentCaptor<Consumer<PutItemRequest.Builder>> put = ArgumentCaptor.forClass(Consumer.class);
        when(dynamo.putItem(put.capture())).thenReturn(PutItemResponse.builder().build());
        String input = "{\"clusterId\":\"orders-db\",\"password\":\"hunter2-abc\",\"reason\":\"see postgres://app:pw-xyz-123@orders.local/db\"}";
        Instant now = Instant.parse("2026-11-22T04:00:00Z");
        // WHEN the incident is opened
        new DynamoDbLedger(dynamo, "ledger").openIncident(new Incident("inc-1", "restore-database-to-point-in-time", "arn:aws:rds:us-east-1:123456789012:cluster:orders-db",
                "manual", Severity.P2, IncidentStatus.INVESTIGATING, null, "s", input, now, now));
        // THEN the stored input keeps the request's shape, not its secrets
        PutItemRequest.Builder asked = PutItemRequest.builder();
        put.getValue().accept(asked);
        String stored = asked.build().item().get("input").s();
        assertThat(stored).contains("\"clusterId\":\"orders-db\"").doesNotContain("hunter2-abc").doesNotContain("pw-xyz-123");
    }
}
