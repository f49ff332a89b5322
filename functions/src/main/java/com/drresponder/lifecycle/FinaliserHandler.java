package com.drresponder.lifecycle;

import com.drresponder.common.JsonStepHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.drresponder.common.AwsClients;
import com.drresponder.common.Json;
import com.drresponder.common.Settings;
import com.drresponder.common.Telemetry;
import com.drresponder.ledger.DynamoDbLedger;
import com.drresponder.notify.SnsNotifier;
import java.time.Clock;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.lambda.powertools.metrics.model.MetricUnit;

/**
 * finaliser: triggered by the stack's EventBridge rule on Step Functions "Execution Status Change" (FAILED, TIMED_OUT,
 * ABORTED) of its own playbooks; see {@link ExecutionFinaliser}. Emits {@code PlaybookEscalated} for designed
 * escalations (the "responder failed" alarm subtracts them) and {@code ExecutionsFinalised} otherwise.
 */
public final class FinaliserHandler extends JsonStepHandler {
    private final ExecutionFinaliser finaliser;

    public FinaliserHandler() {
        this(fromEnvironment());
    }

    public FinaliserHandler(ExecutionFinaliser finaliser) {
        this.finaliser = finaliser;
    }

    @Override
    protected Object handle(JsonNode event) {
        Telemetry.correlate(Json.text(event.path("detail"), "name"));
        ExecutionFinaliser.Outcome outcome = finaliser.finalise(event);
        Telemetry.metrics().addMetric(outcome.designed() ? "PlaybookEscalated" : "ExecutionsFinalised", 1, MetricUnit.COUNT);
        return outcome;
    }

    private static ExecutionFinaliser fromEnvironment() {
        Settings settings = Settings.fromEnvironment();
        return new ExecutionFinaliser(new DynamoDbLedger(AwsClients.create(DynamoDbClient.builder()), settings.ledgerTable()),
                new SnsNotifier(AwsClients.create(SnsClient.builder()), settings.topicArn()), Clock.systemUTC(),
                com.drresponder.admission.Deployment.fromEnvironment());
    }
}
