package com.drresponder.router;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.drresponder.admission.AwsResourceTags;
import com.drresponder.admission.Deployment;
import com.drresponder.common.AwsClients;
import com.drresponder.common.Json;
import com.drresponder.common.Settings;
import com.drresponder.common.Telemetry;
import com.drresponder.ledger.DynamoDbLedger;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.lambda.powertools.metrics.model.MetricUnit;

/**
 * alias-history-recorder: triggered by the stack's {@code lambda-alias-changes} rule (CloudTrail UpdateAlias /
 * CreateAlias), not through the router; see {@link AliasHistoryRecorder}. A malformed event fails the invocation.
 */
public final class AliasHistoryHandler implements RequestStreamHandler {
    private final AliasHistoryRecorder recorder;

    public AliasHistoryHandler() {
        this(fromEnvironment());
    }

    public AliasHistoryHandler(AliasHistoryRecorder recorder) {
        this.recorder = recorder;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        String event = new String(input.readAllBytes(), StandardCharsets.UTF_8);
        RouterResult result = Telemetry.invocation(context, () -> {
            RouterResult r = recorder.record(event);
            Telemetry.metrics().addMetric("AliasHistory" + r.outcome().name(), 1, MetricUnit.COUNT);
            return r;
        });
        if (result.outcome() == RouterResult.Outcome.REJECTED) {
            throw new IncidentRouterHandler.RejectedEventException(result.reason());
        }
        output.write(Json.write(result).getBytes(StandardCharsets.UTF_8));
    }

    private static AliasHistoryRecorder fromEnvironment() {
        Settings settings = Settings.fromEnvironment();
        return new AliasHistoryRecorder(settings, Deployment.fromEnvironment(), AwsResourceTags.fromEnvironment(),
                DynamoDbLedger.atInit(settings.ledgerTable()));
    }
}
