package com.drresponder.router;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.drresponder.admission.AwsResourceTags;
import com.drresponder.admission.Deployment;
import com.drresponder.common.AwsClients;
import com.drresponder.common.Settings;
import com.drresponder.ledger.DynamoDbLedger;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

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
        IncidentRouterHandler.respond(input, output, context, "AliasHistory", recorder::record);
    }

    private static AliasHistoryRecorder fromEnvironment() {
        Settings settings = Settings.fromEnvironment();
        return new AliasHistoryRecorder(settings, Deployment.fromEnvironment(), AwsResourceTags.fromEnvironment(),
                DynamoDbLedger.atInit(settings.ledgerTable()));
    }
}
