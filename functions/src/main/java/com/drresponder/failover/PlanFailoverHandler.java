package com.drresponder.failover;

import com.drresponder.common.AwsClients;
import com.drresponder.common.Json;
import com.drresponder.common.JsonStepHandler;
import com.drresponder.common.Lazy;
import com.drresponder.common.Settings;
import com.drresponder.playbook.FailoverRequest;
import com.drresponder.restore.DatabaseLinks;
import com.drresponder.restore.RestorePlanner;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * First step of fail-over-database after admission (invoked by the state machine with the execution input):
 * validates the request, reads the primary and its replicas or readers with their lag, and returns the
 * {@link FailoverPlan} as JSON: the chosen candidate and why, or a refusal. Checks, as the restore does,
 * that the verify secret and the cut-over target belong to the database ({@link DatabaseLinks}). Changes
 * nothing; an invalid request fails with {@link com.drresponder.playbook.InvalidRequestException} naming the field.
 */
public final class PlanFailoverHandler extends JsonStepHandler {
    private final FailoverPlanner planner;
    private final DatabaseLinks links;

    public PlanFailoverHandler() {
        this(planner(), links());
    }

    public PlanFailoverHandler(FailoverPlanner planner, DatabaseLinks links) {
        this.planner = planner;
        this.links = links;
    }

    /** Input {@code {"request": <execution input>, "rpoTargetMinutes": <stack parameter>}}. */
    @Override
    protected ObjectNode handle(JsonNode step) {
        JsonNode event = step.path("request");
        FailoverRequest request = FailoverRequest.parse(event);
        long rpoMinutes = step.path("rpoTargetMinutes").asLong(-1);
        if (rpoMinutes < 0) {
            throw new IllegalArgumentException("rpoTargetMinutes (the deployment's RPO target) is required in the step input");
        }
        FailoverPlan plan = planner.plan(request, Json.text(event, "incidentId"), Duration.ofMinutes(rpoMinutes));
        if (request.verify() != null) {
            links.requireSecretOf("verify.secretId", request.verify().secretId(), plan.primary().id());
        }
        if (request.cutoverConfig() != null) {
            links.requireCutoverTarget(request.cutoverConfig(), plan.primary().id(), plan.primary().arn());
        }
        ObjectNode state = plan.toStateJson();
        // the router passes lockKey and severity; a playbook started by hand locks the primary's ARN
        String lockKey = Json.text(event, "lockKey");
        String severity = Json.text(event, "severity");
        state.put("lockKey", lockKey != null ? lockKey : plan.primary().arn());
        state.put("severity", severity != null ? severity : "P2");
        return state;
    }

    private static FailoverPlanner planner() {
        String tagKey = env("PROTECTION_TAG_KEY", "dr:protected");
        FailoverRegions regions = FailoverRegions.fromEnvironment();
        return new FailoverPlanner(new AwsFailoverInventory(AwsClients.create(RdsClient.builder()), AwsClients.create(CloudWatchClient.builder()),
                Clock.systemUTC(), regions), Settings.commaList(System.getenv("PROTECTED_RESOURCES")), tagKey,
                Settings.commaList(System.getenv(RestorePlanner.WITHOUT_APPROVAL_VARIABLE)), Clock.systemUTC(), regions);
    }

    private static DatabaseLinks links() {
        return new DatabaseLinks(Lazy.of(() -> AwsClients.create(SecretsManagerClient.builder())),
                Lazy.of(() -> AwsClients.create(SsmClient.builder())), Lazy.of(() -> AwsClients.create(LambdaClient.builder())),
                env("PROTECTION_TAG_KEY", "dr:protected"), Settings.commaList(System.getenv("PROTECTED_RESOURCES")));
    }

    static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
