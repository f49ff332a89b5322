package com.drresponder.restore;

import com.drresponder.common.AwsClients;
import com.drresponder.common.Json;
import com.drresponder.playbook.RestoreRequest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import software.amazon.awssdk.services.rds.RdsClient;

/**
 * First step of restore-database-to-point-in-time (invoked by the state machine with the execution input):
 * validates the request against RDS (source exists and opted in, restore time inside the window, target
 * name free) and returns the {@link RestorePlan} as JSON. Creates nothing; an invalid request fails with
 * {@link com.drresponder.playbook.InvalidRequestException} naming the field.
 */
public final class ValidateRestoreHandler extends JsonStepHandler {
    private final RestorePlanner planner;

    public ValidateRestoreHandler() {
        this(new RestorePlanner(new AwsRdsInventory(AwsClients.create(RdsClient.builder())), Clock.systemUTC(),
                env("PROTECTION_TAG_KEY", "dr:protected")));
    }

    public ValidateRestoreHandler(RestorePlanner planner) {
        this.planner = planner;
    }

    @Override
    Object handle(JsonNode event) {
        RestoreRequest request = RestoreRequest.parse(event);
        RestorePlan plan = planner.plan(request, Json.text(event, "incidentId"));
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
