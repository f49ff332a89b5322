package com.drresponder.testing;

import com.drresponder.local.ResponderDeployment;

import com.drresponder.testsupport.AwsEmulator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import com.drresponder.admission.Deployment;
import com.drresponder.incident.Incident;
import com.drresponder.incident.IncidentStatus;
import com.drresponder.incident.Severity;
import com.drresponder.ledger.DynamoDbLedger;
import java.time.Instant;

/**
 * The ledger table (docs/CONTRACTS.md: pk/sk, GSI byStatus on gsi1pk/gsi1sk) and the notification topic in the
 * emulator, with an SQS queue subscribed so a test can read what people were told.
 */
public final class LedgerFixture {
    public static final String TABLE = "drresponder-ledger";
    private final DynamoDbClient dynamo;
    private final SqsClient sqs;
    private final String topicArn;
    private final String queueUrl;
    private final String accountId;

    private LedgerFixture(DynamoDbClient dynamo, SqsClient sqs, String topicArn, String queueUrl, String accountId) {
        this.accountId = accountId;
        this.dynamo = dynamo;
        this.sqs = sqs;
        this.topicArn = topicArn;
        this.queueUrl = queueUrl;
    }

    public static LedgerFixture create(AwsEmulator emulator) {
        DynamoDbClient dynamo = EmulatorClients.client(DynamoDbClient.builder(), emulator);
        ResponderDeployment.createLedgerTable(dynamo, TABLE);
        SnsClient sns = EmulatorClients.client(SnsClient.builder(), emulator);
        String topicArn = sns.createTopic(t -> t.name("drresponder-notifications")).topicArn();
        SqsClient sqs = EmulatorClients.client(SqsClient.builder(), emulator);
        String queueUrl = sqs.createQueue(q -> q.queueName("notifications-inbox")).queueUrl();
        String queueArn = sqs.getQueueAttributes(a -> a.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        sns.subscribe(s -> s.topicArn(topicArn).protocol("sqs").endpoint(queueArn).attributes(Map.of("RawMessageDelivery", "true")));
        return new LedgerFixture(dynamo, sqs, topicArn, queueUrl, emulator.accountId());
    }

    public String topicArn() {
        return topicArn;
    }

    /** Environment every ledger-using function needs: ledger, topic, and the deployment (enforcing, any tagged resource). */
    public Map<String, String> environment() {
        return Map.of("LEDGER_TABLE", TABLE, "TOPIC_ARN", topicArn, Deployment.ACCOUNT_VARIABLE, accountId, "DR_MODE", "enforce",
                "PROTECTED_RESOURCES", "*");
    }

    /**
     * Opens the incident for {@code input} and takes its lock exactly as the router does before it starts a playbook
     * (execution name = incident id), so a test can start the routed input without an event.
     */
    public void openAsRouter(String playbook, com.fasterxml.jackson.databind.JsonNode input) {
        DynamoDbLedger ledger = new DynamoDbLedger(dynamo, TABLE);
        String id = input.get("incidentId").asText();
        String lockKey = input.get("lockKey").asText();
        Instant now = Instant.now();
        if (!ledger.acquireLock(lockKey, id, now, now.plusSeconds(3600)).acquired()) {
            throw new IllegalStateException(lockKey + " is locked");
        }
        ledger.openIncident(new Incident(id, playbook, lockKey, "test:routed", Severity.P2, IncidentStatus.INVESTIGATING, null,
                "routed by the test", input.toString(), now, now));
    }

    /** Every notification published so far (message bodies), draining the queue. */
    public List<String> notifications() {
        List<String> bodies = new ArrayList<>();
        while (true) {
            List<Message> batch = sqs.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(0)).messages();
            if (batch.isEmpty()) {
                return bodies;
            }
            batch.forEach(m -> {
                bodies.add(m.body());
                sqs.deleteMessage(d -> d.queueUrl(queueUrl).receiptHandle(m.receiptHandle()));
            });
        }
    }

    /** Every ledger item of an incident (META and timeline), as attribute maps. */
    public List<Map<String, AttributeValue>> incidentItems(String incidentId) {
        return dynamo.query(q -> q.tableName(TABLE).keyConditionExpression("pk = :pk")
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("INCIDENT#" + incidentId)))).items();
    }
}
