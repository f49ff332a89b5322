package com.drresponder.router;

import com.drresponder.admission.AwsResourceTags;
import com.drresponder.admission.Deployment;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.drresponder.common.AwsClients;
import com.drresponder.common.Json;
import com.drresponder.common.Lazy;
import com.drresponder.common.Settings;
import com.drresponder.common.Telemetry;
import com.drresponder.guard.GuardClock;
import com.drresponder.guard.StartGuard;
import com.drresponder.ledger.DynamoDbLedger;
import com.drresponder.notify.SnsNotifier;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.lambda.powertools.metrics.model.MetricUnit;

/**
 * The incident router. Triggered by every EventBridge rule of the stack (CloudWatch alarm state
 * changes, RDS events, GuardDuty findings, manual {@code drresponder.manual} requests) and by the stack's
 * one-minute schedule, which drains the start guard's queue. Returns the
 * {@link RouterResult} as JSON; a malformed or unsupported event fails the invocation with
 * {@link RejectedEventException}, not in silence; every rejected or ignored event is logged with its id and source. EventBridge invokes the router asynchronously: its target DLQ
 * holds only events it could not deliver; a failed invocation is retried twice by Lambda and then sent, whole,
 * to the router's on-failure destination (an SQS queue, alarmed; see infra-cdk IncidentRouting).
 */
public final class IncidentRouterHandler implements RequestStreamHandler {
    private static final Logger LOG = LoggerFactory.getLogger(IncidentRouterHandler.class);

    private final IncidentRouter router;

    public IncidentRouterHandler() {
        this(fromEnvironment());
    }

    public IncidentRouterHandler(IncidentRouter router) {
        this.router = router;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        respond(input, output, context, "Router", event -> {
            RouterResult r = router.route(event);
            Telemetry.correlate(r.incidentId());
            if (r.outcome() == RouterResult.Outcome.STARTED) {
                Telemetry.metrics().addMetric("IncidentsOpened", 1, MetricUnit.COUNT);
            }
            if (r.outcome() == RouterResult.Outcome.REJECTED) {
                LOG.error("event REJECTED ({}): {}", EventEnvelope.identity(event), r.reason());
            } else if (r.outcome() == RouterResult.Outcome.IGNORED) {
                LOG.info("event IGNORED ({}): {}", EventEnvelope.identity(event), r.reason());
            } else {
                LOG.info("event {}: incident={} playbook={} resource={} {}", r.outcome(), r.incidentId(), r.playbook(),
                        r.resource(), r.reason() == null ? "" : r.reason());
            }
            return r;
        });
    }

    /**
     * One event in, one {@link RouterResult} out, within the invocation's telemetry: counts the outcome as the
     * metric {@code metricPrefix + outcome}, fails the invocation on REJECTED, else writes the result as JSON.
     */
    static void respond(InputStream input, OutputStream output, Context context, String metricPrefix,
            java.util.function.Function<String, RouterResult> handle) throws IOException {
        String event = new String(input.readAllBytes(), StandardCharsets.UTF_8);
        RouterResult result = Telemetry.invocation(context, () -> {
            RouterResult r = handle.apply(event);
            Telemetry.metrics().addMetric(metricPrefix + r.outcome().name(), 1, MetricUnit.COUNT);
            return r;
        });
        if (result.outcome() == RouterResult.Outcome.REJECTED) {
            throw new RejectedEventException(result.reason());
        }
        output.write(Json.write(result).getBytes(StandardCharsets.UTF_8));
    }

    private static IncidentRouter fromEnvironment() {
        Settings settings = Settings.fromEnvironment();
        Lazy<RdsClient> rds = Lazy.of(() -> AwsClients.create(RdsClient.builder()));
        Deployment deployment = Deployment.fromEnvironment();
        DynamoDbLedger ledger = DynamoDbLedger.atInit(settings.ledgerTable());
        return new IncidentRouter(settings, deployment, AwsResourceTags.fromEnvironment(rds), new AwsRdsTopology(rds), ledger,
                new SnsNotifier(AwsClients.create(SnsClient.builder()), settings.topicArn()),
                new StepFunctionsPlaybookStarter(AwsClients.create(SfnClient.builder())),
                Clock.systemUTC(),
                new StartGuard(ledger, deployment.account(), deployment.region(), settings.mutatingStartsPerMinute(),
                        GuardClock.from(System.getenv())));
    }

    /** The event cannot be routed as it is; retrying will not help. The message says why. */
    public static final class RejectedEventException extends RuntimeException {
        public RejectedEventException(String message) {
            super(message);
        }
    }
}
