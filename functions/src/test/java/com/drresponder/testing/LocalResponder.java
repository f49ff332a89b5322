package com.drresponder.testing;

import com.drresponder.testsupport.Executions;
import com.drresponder.admission.Deployment;
import com.drresponder.catalog.Catalog;
import com.drresponder.common.Json;
import com.drresponder.events.RepositoryFiles;
import com.drresponder.incident.Incident;
import com.drresponder.incident.IncidentStatus;
import com.drresponder.incident.Severity;
import com.drresponder.ledger.DynamoDbLedger;
import com.drresponder.local.ResponderDeployment;
import com.drresponder.testsupport.AwsEmulator;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The responder deployed into the local emulator the way the stack deploys it: the ledger table, the
 * notification topic (with an SQS queue subscribed, so tests can read what people would receive), the
 * Java functions served by the Lambda host, and the playbooks' real ASL with their substitutions.
 * Table, topic and substitutions come from {@link ResponderDeployment}, the one place local runs build
 * the responder ({@code drctl local} deploys everything with it at once).
 */
public final class LocalResponder {
    public static final String TABLE = ResponderDeployment.TABLE;

    public final AwsEmulator emulator;
    public final DynamoDbClient dynamo;
    public final SnsClient sns;
    public final SqsClient sqs;
    public final SfnClient sfn;
    public final LambdaClient lambda;
    public final String topicArn;
    public final String queueUrl;
    public final Map<String, String> functionArns = new LinkedHashMap<>();
    public final Map<String, String> stateMachineArns = new LinkedHashMap<>();
    public final Map<String, String> environment = new HashMap<>();

    private LocalResponder(AwsEmulator emulator) {
        this.emulator = emulator;
        this.dynamo = EmulatorClients.of(emulator, DynamoDbClient.builder());
        this.sns = EmulatorClients.of(emulator, SnsClient.builder());
        this.sqs = EmulatorClients.of(emulator, SqsClient.builder());
        this.sfn = EmulatorClients.of(emulator, SfnClient.builder());
        // one attempt, long timeout: an invoke is a delivery, and an SDK retry after a slow answer would be a second one
        this.lambda = EmulatorClients.oneAttempt(LambdaClient.builder(), emulator);
        ResponderDeployment.createLedgerTable(dynamo, TABLE);
        this.topicArn = sns.createTopic(b -> b.name(ResponderDeployment.TOPIC)).topicArn();
        this.queueUrl = sqs.createQueue(b -> b.queueName("dr-notifications-tap")).queueUrl();
        String queueArn = sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        sns.subscribe(b -> b.topicArn(topicArn).protocol("sqs").endpoint(queueArn));
        environment.put("LEDGER_TABLE", TABLE);
        environment.put("TOPIC_ARN", topicArn);
        environment.put("DR_MODE", "enforce");
        environment.put("PROTECTED_RESOURCES", "*");
        environment.put(Deployment.ACCOUNT_VARIABLE, emulator.accountId());
    }

    /** Table and topic only; add functions and playbooks with {@link #function} and {@link #playbook}. */
    public static LocalResponder create(AwsEmulator emulator) {
        return new LocalResponder(emulator);
    }

    public LocalResponder env(String key, String value) {
        environment.put(key, value);
        return this;
    }

    /**
     * What the local deployment (and only it) gives functions that open database connections
     * ({@link ResponderDeployment#localDatabaseEnvironment}): no TLS, and {@code address} ({@code host:port}, or null)
     * for the emulator's RDS endpoints, which are no databases. Set before the functions are deployed.
     */
    public LocalResponder localDatabase(String address) {
        environment.putAll(ResponderDeployment.localDatabaseEnvironment(address));
        return this;
    }

    /** Deploys every function the playbook invokes (its own and the shared steps), as {@link #function} does. */
    public LocalResponder functionsOf(String playbook) {
        Catalog.RESPONDER.invokedBy(Catalog.RESPONDER.playbook(playbook)).forEach(f -> function(f.logicalId()));
        return this;
    }

    /** The ARN (the live alias) of a deployed function, by logical id. */
    public String functionArn(String logicalId) {
        String arn = functionArns.get(logicalId);
        if (arn == null) {
            throw new IllegalArgumentException("function " + logicalId + " is not deployed");
        }
        return arn;
    }

    /** Deploys the catalog function with this logical id (handler from the catalog); its substitution is {@code <logicalId>FunctionArn}. */
    public LocalResponder function(String logicalId) {
        Catalog.Function f = Catalog.RESPONDER.functions().stream().filter(c -> c.logicalId().equals(logicalId)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no function " + logicalId + " in the catalog"));
        functionArns.put(logicalId, ResponderDeployment.create(emulator::deployJavaFunction, f, environment));
        return this;
    }

    /** Creates a catalog playbook's state machine from its real ASL, with the deployed functions' ARNs and {@code extraSubstitutions}. */
    public String playbook(String name, Map<String, String> extraSubstitutions) {
        return playbook(name, extraSubstitutions, null);
    }

    /** As {@link #playbook(String, Map)}, with the state machine's {@code TimeoutSeconds} set to {@code timeoutSeconds} (null: the table's). */
    public String playbook(String name, Map<String, String> extraSubstitutions, Integer timeoutSeconds) {
        Map<String, String> values = new HashMap<>(extraSubstitutions);
        functionArns.forEach((logical, arn) -> values.put(logical + "FunctionArn", arn));
        String arn = ResponderDeployment.createStateMachine(sfn, RepositoryFiles.resolve("statemachines"), Catalog.RESPONDER.playbook(name),
                emulator.accountId(), values, timeoutSeconds);
        stateMachineArns.put(name, arn);
        return arn;
    }

    /**
     * Creates {@code events/rules/<rule>.json} on the emulator's default bus with its catalog target (a deployed function,
     * as the stack's rule has): the emulator delivers matching events to it, as EventBridge does ({@code delayRds}).
     */
    public String eventRule(String rule) {
        Catalog.Function target = Catalog.RESPONDER.ruleTarget(rule);
        String pattern;
        try {
            pattern = java.nio.file.Files.readString(RepositoryFiles.resolve("events/rules").resolve(rule + ".json"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        var events = EmulatorClients.of(emulator, software.amazon.awssdk.services.eventbridge.EventBridgeClient.builder());
        String arn = events.putRule(b -> b.name(rule).eventPattern(pattern)).ruleArn();
        events.putTargets(b -> b.rule(rule).targets(t -> t.id(target.name()).arn(functionArn(target.logicalId()))));
        return arn;
    }

    /** Stops delivering a rule's events ({@code DisableRule}), as when a rule is disabled or deleted by mistake. */
    public void disableEventRule(String rule) {
        EmulatorClients.of(emulator, software.amazon.awssdk.services.eventbridge.EventBridgeClient.builder()).disableRule(b -> b.name(rule));
    }

    public DynamoDbLedger ledger() {
        return new DynamoDbLedger(dynamo, TABLE);
    }

    /** Invokes a deployed function synchronously; returns the response (check functionError). */
    public InvokeResponse invoke(String logicalName, String payload) {
        return lambda.invoke(b -> b.functionName(functionArns.get(logicalName)).payload(SdkBytes.fromUtf8String(payload)));
    }

    /** Starts a deployed playbook as an operator would: the execution is named after the input's incident id. */
    public String start(String playbook, String input) {
        String name = json(input).path("incidentId").asText(java.util.UUID.randomUUID().toString());
        return sfn.startExecution(b -> b.stateMachineArn(stateMachineArns.get(playbook)).name(name).input(input)).executionArn();
    }

    /**
     * Opens the incident for {@code input} and takes its lock exactly as the router does before it starts a playbook
     * (execution name = incident id), so a test can start the routed input without an event.
     */
    public void openAsRouter(String playbook, JsonNode input) {
        DynamoDbLedger ledger = ledger();
        String id = input.get("incidentId").asText();
        String lockKey = input.get("lockKey").asText();
        Instant now = Instant.now();
        if (!ledger.acquireLock(lockKey, id, now, now.plusSeconds(3600)).acquired()) {
            throw new IllegalStateException(lockKey + " is locked");
        }
        ledger.openIncident(new Incident(id, playbook, lockKey, "test:routed", Severity.P2, IncidentStatus.INVESTIGATING, null,
                "routed by the test", input.toString(), now, now));
    }

    /** Every ledger item of an incident (META and timeline), as attribute maps. */
    public List<Map<String, AttributeValue>> incidentItems(String incidentId) {
        return dynamo.query(q -> q.tableName(TABLE).keyConditionExpression("pk = :pk")
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("INCIDENT#" + incidentId)))).items();
    }

    public DescribeExecutionResponse awaitExecution(String executionArn, Duration timeout) {
        return Executions.awaitEnd(sfn, executionArn, timeout);
    }

    /** Notifications published since the last call, as SNS delivers them to SQS: {@code Subject}, {@code Message}, attributes. */
    public List<JsonNode> notifications() {
        List<JsonNode> bodies = new ArrayList<>();
        List<Message> batch;
        do {
            batch = sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(0)).messages();
            batch.forEach(m -> {
                bodies.add(json(m.body()));
                sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(m.receiptHandle()));
            });
        } while (!batch.isEmpty());
        return bodies;
    }

    /** Like {@link #notifications}, each as its subject and message text (what a person reads). */
    public List<String> notificationTexts() {
        return notifications().stream().map(n -> n.path("Subject").asText() + "\n" + n.path("Message").asText()).toList();
    }

    public static JsonNode json(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
