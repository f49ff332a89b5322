package com.drresponder.testing;

import com.drresponder.admission.Deployment;
import com.drresponder.common.Json;
import com.drresponder.events.RepositoryFiles;
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
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
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
        this.lambda = EmulatorClients.of(emulator, LambdaClient.builder());
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
        environment.put("POWERTOOLS_SERVICE_NAME", "dr-responder");
        environment.put("POWERTOOLS_METRICS_NAMESPACE", "DrResponder");
    }

    /** Table and topic only; add functions and playbooks with {@link #function} and {@link #playbook}. */
    public static LocalResponder create(AwsEmulator emulator) {
        return new LocalResponder(emulator);
    }

    public LocalResponder env(String key, String value) {
        environment.put(key, value);
        return this;
    }

    /** Deploys a Java function; its substitution key is {@code <logicalName>FunctionArn}. */
    public LocalResponder function(String logicalName, String handler) {
        String name = "dr-" + logicalName.replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase();
        functionArns.put(logicalName, emulator.deployJavaFunction(name, handler, Map.copyOf(environment)));
        return this;
    }

    /** Creates a playbook's state machine from statemachines/{@code name}.asl.json with the given extra substitutions. */
    public String playbook(String name, Map<String, String> extraSubstitutions) {
        Map<String, String> values = new HashMap<>(ResponderDeployment.substitutions(Map.of(), topicArn,
                emulator.region(), emulator.accountId(), extraSubstitutions));
        functionArns.forEach((logical, arn) -> values.put(logical + "FunctionArn", arn));
        String definition;
        try {
            definition = substitute(ResponderDeployment.definition(RepositoryFiles.resolve("statemachines/" + name + ".asl.json")), values);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        String arn = sfn.createStateMachine(b -> b.name(name).definition(definition)
                .roleArn("arn:aws:iam::" + emulator.accountId() + ":role/dr-playbooks")).stateMachineArn();
        stateMachineArns.put(name, arn);
        return arn;
    }

    /** Replaces every {@code ${Name}}; an unknown name fails, as CloudFormation would. */
    public static String substitute(String template, Map<String, String> values) {
        return ResponderDeployment.substitute(template, values);
    }

    public DynamoDbLedger ledger() {
        return new DynamoDbLedger(dynamo, TABLE);
    }

    /** Invokes a deployed function synchronously; returns the response (check functionError). */
    public InvokeResponse invoke(String logicalName, String payload) {
        return lambda.invoke(b -> b.functionName(functionArns.get(logicalName)).payload(SdkBytes.fromUtf8String(payload)));
    }

    public DescribeExecutionResponse awaitExecution(String executionArn, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            DescribeExecutionResponse d = sfn.describeExecution(b -> b.executionArn(executionArn));
            if (d.status() != ExecutionStatus.RUNNING) {
                return d;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("execution still RUNNING after " + timeout + ": " + executionArn);
            }
            sleep(100);
        }
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

    public static JsonNode json(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting", e);
        }
    }
}
