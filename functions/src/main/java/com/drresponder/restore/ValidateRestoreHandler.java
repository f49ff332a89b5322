package com.drresponder.restore;

import com.drresponder.common.Environment;
import com.drresponder.common.JsonStepHandler;
import com.drresponder.common.AwsClients;
import com.drresponder.common.Json;
import com.drresponder.playbook.RestoreRequest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.drresponder.common.Lazy;
import java.time.Clock;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * First step of restore-database-to-point-in-time (invoked by the state machine with the execution input):
 * validates the request against RDS (source exists and opted in, restore time inside the window, target
 * name free), checks that the verify secret and the cut-over target belong to the database
 * ({@link DatabaseLinks}), decides whether a person must approve (destructive choices do), and returns the {@link RestorePlan} as JSON. Creates nothing; an invalid request fails with
 * {@link com.drresponder.playbook.InvalidRequestException} naming the field.
 */
public final class ValidateRestoreHandler extends JsonStepHandler {
    private final RestorePlanner planner;
    private final DatabaseLinks links;

    public ValidateRestoreHandler() {
        this(RestoreSettings.from(Environment.variables()));
    }

    private ValidateRestoreHandler(RestoreSettings settings) {
        this(new RestorePlanner(new AwsRdsInventory(AwsClients.create(RdsClient.builder())), Clock.systemUTC(),
                        settings.protectionTagKey(), settings.withoutApproval(), settings.snapshotRetention()),
                new DatabaseLinks(Lazy.of(() -> AwsClients.create(SecretsManagerClient.builder())),
                        Lazy.of(() -> AwsClients.create(SsmClient.builder())), Lazy.of(() -> AwsClients.create(LambdaClient.builder())),
                        settings.protectionTagKey(), settings.protectedResources()));
    }

    public ValidateRestoreHandler(RestorePlanner planner, DatabaseLinks links) {
        this.planner = planner;
        this.links = links;
    }

    @Override
    protected Object handle(JsonNode event) {
        RestoreRequest request = RestoreRequest.parse(event);
        RestorePlan plan = planner.plan(request, Json.text(event, "incidentId"));
        // what the request names besides the database must belong to it: checked before anything is created
        if (request.verify() != null) {
            links.requireSecretOf("verify.secretId", request.verify().secretId(), plan.source().id());
        }
        if (request.cutoverConfig() != null) {
            links.requireCutoverTarget(request.cutoverConfig(), plan.source());
        }
        ObjectNode state = plan.toStateJson();
        // the router passes lockKey and severity; a playbook started by hand locks the source's ARN
        String lockKey = Json.text(event, "lockKey");
        String severity = Json.text(event, "severity");
        state.put("lockKey", lockKey != null ? lockKey : plan.source().arn());
        state.put("severity", severity != null ? severity : "P2");
        state.put("dryRun", request.dryRun());
        state.put("mode", request.mode());
        return state;
    }
}
