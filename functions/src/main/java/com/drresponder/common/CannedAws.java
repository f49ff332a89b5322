package com.drresponder.common;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * AWS answered in-process, for {@link Priming#invocationPath}: SDK clients of the real types (same marshallers,
 * signer, endpoint rules, unmarshallers as the function's own clients) whose HTTP client never opens a connection and
 * answers each operation with a recorded, valid AWS response. Nothing reaches AWS, so nothing is changed, logged by
 * CloudTrail or billed; an operation without an answer here fails the priming run (best effort, see {@link Priming}).
 * The answers are one shared table for every function: a function primes only what it calls.
 */
public final class CannedAws implements SdkHttpClient {
    /** Set by the interceptor below: the protocols name the operation in different places (target header, Action, path). */
    private static final String OPERATION_HEADER = "x-drresponder-priming-operation";
    private static final String ACCOUNT = "000000000000";
    private static final String FUNCTION = "arn:aws:lambda:us-east-1:" + ACCOUNT + ":function:priming";
    /** An incident's META item that also reads as a lock item held by it (the ledger's GetItem reads either). */
    private static final String ITEM = """
            {"Item":{"pk":{"S":"INCIDENT#priming"},"sk":{"S":"META"},"id":{"S":"priming"},"incidentId":{"S":"priming"},
             "playbook":{"S":"rollback-lambda-alias"},"resource":{"S":"%s:live"},"trigger":{"S":"priming"},"severity":{"S":"P2"},
             "status":{"S":"INVESTIGATING"},"summary":{"S":"priming"},"input":{"S":"{}"},"createdAt":{"S":"2000-01-01T00:00:00Z"},
             "updatedAt":{"S":"2000-01-01T00:00:00Z"},"executionArn":{"S":"arn:aws:states:us-east-1:%s:execution:priming:priming"},
             "expiresAt":{"N":"4102444800"}}}""".formatted(FUNCTION, ACCOUNT);
    private static final String VERSION = "{\"FunctionName\":\"priming\",\"FunctionArn\":\"" + FUNCTION + ":%s\",\"Version\":\"%s\"}";
    private static final Map<String, String> ANSWERS = Map.ofEntries(
            Map.entry("GetItem", ITEM),
            Map.entry("PutItem", "{}"),
            Map.entry("UpdateItem", "{}"),
            Map.entry("DeleteItem", "{}"),
            Map.entry("Query", "{\"Items\":[],\"Count\":0,\"ScannedCount\":0}"),
            Map.entry("GetAlias", "{\"AliasArn\":\"" + FUNCTION + ":live\",\"Name\":\"live\",\"FunctionVersion\":\"3\",\"RevisionId\":\"priming\"}"),
            Map.entry("ListVersionsByFunction", "{\"Versions\":[" + VERSION.formatted("$LATEST", "$LATEST") + "," + VERSION.formatted("1", "1")
                    + "," + VERSION.formatted("2", "2") + "," + VERSION.formatted("3", "3") + "]}"),
            Map.entry("ListTags", "{\"Tags\":{\"dr:protected\":\"true\"}}"),
            Map.entry("DescribeAlarms", """
                    <DescribeAlarmsResponse xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/"><DescribeAlarmsResult><MetricAlarms><member>\
                    <AlarmName>priming</AlarmName><AlarmArn>arn:aws:cloudwatch:us-east-1:000000000000:alarm:priming</AlarmArn>\
                    <StateValue>ALARM</StateValue><StateReason>priming</StateReason><StateUpdatedTimestamp>2000-01-01T00:00:00.000Z</StateUpdatedTimestamp>\
                    </member></MetricAlarms><CompositeAlarms/></DescribeAlarmsResult><ResponseMetadata><RequestId>priming</RequestId>\
                    </ResponseMetadata></DescribeAlarmsResponse>"""),
            Map.entry("Publish", """
                    <PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>priming</MessageId>\
                    </PublishResult><ResponseMetadata><RequestId>priming</RequestId></ResponseMetadata></PublishResponse>"""));

    private final List<String> answered = Collections.synchronizedList(new ArrayList<>());

    /** A fresh set of canned clients' HTTP client; {@link #answered()} tells what it was asked. */
    public static CannedAws create() {
        return new CannedAws();
    }

    private CannedAws() {}

    /** A client of the function's type and configuration ({@link AwsClients}), answered here, with credentials of no one. */
    public <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C client(B builder) {
        return builder.httpClient(this).region(AwsClients.region())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("priming", "priming")))
                .overrideConfiguration(AwsClients.OVERRIDES.toBuilder().addExecutionInterceptor(new NameTheOperation()).build())
                .build();
    }

    /** The operations answered so far, in order. */
    public List<String> answered() {
        return List.copyOf(answered);
    }

    @Override
    public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
        String operation = request.httpRequest().firstMatchingHeader(OPERATION_HEADER).orElse("(unnamed)");
        String body = ANSWERS.get(operation);
        if (body == null) {
            throw new IllegalStateException("no canned AWS answer for " + operation + ": add one to CannedAws");
        }
        answered.add(operation);
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return new ExecutableHttpRequest() {
            @Override
            public HttpExecuteResponse call() {
                return HttpExecuteResponse.builder()
                        .response(SdkHttpResponse.builder().statusCode(200).putHeader("x-amzn-RequestId", "priming")
                                .putHeader("Content-Length", Integer.toString(bytes.length)).build())
                        .responseBody(AbortableInputStream.create(new ByteArrayInputStream(bytes))).build();
            }

            @Override
            public void abort() {}
        };
    }

    @Override
    public String clientName() {
        return "DrResponderPriming";
    }

    @Override
    public void close() {}

    /** Names the SDK operation on the request, so one table answers all protocols. */
    private static final class NameTheOperation implements ExecutionInterceptor {
        @Override
        public SdkHttpRequest modifyHttpRequest(Context.ModifyHttpRequest context, ExecutionAttributes attributes) {
            return context.httpRequest().toBuilder()
                    .putHeader(OPERATION_HEADER, attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME)).build();
        }
    }
}
