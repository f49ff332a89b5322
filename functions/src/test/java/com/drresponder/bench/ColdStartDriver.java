package com.drresponder.bench;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * One cold start, in a fresh JVM: either a project handler (init + one invocation, like Lambda), or the
 * "bare" baseline: plain SDK v2 clients making the same AWS calls that handler makes, nothing else.
 * Prints {@code <millis from JVM start to end of first response>}. Run by {@link ColdStartBenchmark}.
 */
public final class ColdStartDriver {
    private ColdStartDriver() {}

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        String function = args[1];
        if (mode.equals("after-init")) {
            afterInit(function, args);
            System.exit(0);
        }
        if (mode.equals("handler")) {
            RequestStreamHandler handler = (RequestStreamHandler) Class.forName(args[2]).getDeclaredConstructor().newInstance();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            handler.handleRequest(new ByteArrayInputStream(Files.readAllBytes(Path.of(args[3]))), out, new BenchContext(function));
        } else {
            bare(function);
        }
        long sinceStart = System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
        System.out.println(sinceStart);
        System.out.flush();
        // Lambda keeps its JVM; here the process must end so the next cold start can begin.
        System.exit(0);
    }

    /**
     * What SnapStart leaves on the recovery path: the handler is constructed (init, as in the snapshot), then each
     * payload file is one invocation. Prints {@code <init ms> <first ms> <second ms> ...}.
     */
    static void afterInit(String function, String[] args) throws Exception {
        long t0 = System.nanoTime();
        RequestStreamHandler handler = (RequestStreamHandler) Class.forName(args[2]).getDeclaredConstructor().newInstance();
        StringBuilder out = new StringBuilder(Long.toString((System.nanoTime() - t0) / 1_000_000));
        for (int i = 3; i < args.length; i++) {
            byte[] payload = Files.readAllBytes(Path.of(args[i]));
            long start = System.nanoTime();
            handler.handleRequest(new ByteArrayInputStream(payload), new ByteArrayOutputStream(), new BenchContext(function));
            out.append(' ').append((System.nanoTime() - start) / 1_000_000);
        }
        System.out.println(out);
        System.out.flush();
    }

    /** The AWS calls each handler makes on the rollback path, with nothing around them. */
    static void bare(String function) {
        Region region = Region.of(System.getenv("AWS_REGION"));
        var http = UrlConnectionHttpClient.create();
        String table = System.getenv("LEDGER_TABLE");
        Map<String, AttributeValue> key = Map.of("pk", AttributeValue.fromS("INCIDENT#bare-baseline"), "sk", AttributeValue.fromS("META"));
        switch (function) {
            case "incident-router" -> {
                LambdaClient lambda = LambdaClient.builder().httpClient(http).region(region).build();
                DynamoDbClient ddb = DynamoDbClient.builder().httpClient(http).region(region).build();
                lambda.listTags(b -> b.resource(System.getenv("BENCH_FUNCTION_ARN")));
                ddb.putItem(b -> b.tableName(table).item(Map.of("pk", AttributeValue.fromS("LOCK#bench"), "sk", AttributeValue.fromS("LOCK"))));
                ddb.putItem(b -> b.tableName(table).item(key));
                ddb.putItem(b -> b.tableName(table).item(Map.of("pk", AttributeValue.fromS("INCIDENT#bare-baseline"), "sk", AttributeValue.fromS("STEP#1"))));
                SfnClient.builder().httpClient(http).region(region).build().listStateMachines();
                ddb.updateItem(b -> b.tableName(table).key(key).updateExpression("SET s = :s")
                        .expressionAttributeValues(Map.of(":s", AttributeValue.fromS("x"))));
                SnsClient.builder().httpClient(http).region(region).build().publish(b -> b.topicArn(System.getenv("TOPIC_ARN")).message("bench"));
            }
            case "plan-rollback" -> {
                LambdaClient lambda = LambdaClient.builder().httpClient(http).region(region).build();
                DynamoDbClient ddb = DynamoDbClient.builder().httpClient(http).region(region).build();
                lambda.getAlias(b -> b.functionName("checkout-api").name("live"));
                lambda.listVersionsByFunction(b -> b.functionName("checkout-api"));
                ddb.query(b -> b.tableName(table).keyConditionExpression("pk = :p").expressionAttributeValues(Map.of(":p", AttributeValue.fromS("ALIAS#x"))));
                ddb.query(b -> b.tableName(table).keyConditionExpression("pk = :p").expressionAttributeValues(Map.of(":p", AttributeValue.fromS("BAD#x"))));
            }
            case "check-alarm" -> CloudWatchClient.builder().httpClient(http).region(region).build()
                    .describeAlarms(b -> b.alarmNames("checkout-api-live-errors"));
            case "record-step", "record-rollback" -> {
                DynamoDbClient ddb = DynamoDbClient.builder().httpClient(http).region(region).build();
                if (function.equals("record-rollback")) { // bad version and alias history first
                    ddb.putItem(b -> b.tableName(table).item(Map.of("pk", AttributeValue.fromS("BADVERSION#bare"), "sk", AttributeValue.fromS("V#3"))));
                    ddb.putItem(b -> b.tableName(table).item(Map.of("pk", AttributeValue.fromS("ALIAS#bare"), "sk", AttributeValue.fromS("AT#1"))));
                }
                ddb.getItem(b -> b.tableName(table).key(key));
                ddb.putItem(b -> b.tableName(table).item(Map.of("pk", AttributeValue.fromS("INCIDENT#bare-baseline"), "sk", AttributeValue.fromS("STEP#2"))));
                ddb.updateItem(b -> b.tableName(table).key(key).updateExpression("SET s = :s")
                        .expressionAttributeValues(Map.of(":s", AttributeValue.fromS("y"))));
                SnsClient.builder().httpClient(http).region(region).build().publish(b -> b.topicArn(System.getenv("TOPIC_ARN")).message("bench"));
            }
            default -> throw new IllegalArgumentException("unknown function " + function);
        }
        SdkBytes.fromUtf8String("done");
    }

    /** The Lambda context a handler sees; nothing in our handlers depends on more than this. */
    record BenchContext(String functionName) implements Context {
        public String getAwsRequestId() { return "bench-request"; }
        public String getLogGroupName() { return "/aws/lambda/" + functionName; }
        public String getLogStreamName() { return "bench"; }
        public String getFunctionName() { return functionName; }
        public String getFunctionVersion() { return "1"; }
        public String getInvokedFunctionArn() { return "arn:aws:lambda:us-east-1:123456789012:function:" + functionName; }
        public CognitoIdentity getIdentity() { return null; }
        public ClientContext getClientContext() { return null; }
        public int getRemainingTimeInMillis() { return 30_000; }
        public int getMemoryLimitInMB() { return 1024; }
        public LambdaLogger getLogger() {
            return new LambdaLogger() {
                public void log(String message) { System.err.println(message); }
                public void log(byte[] message) { System.err.println(new String(message, StandardCharsets.UTF_8)); }
            };
        }
    }
}
