package com.drresponder.restore;

import com.drresponder.common.AwsClients;
import com.drresponder.common.Json;
import com.drresponder.playbook.RestoreRequest;
import com.fasterxml.jackson.databind.JsonNode;
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
        return planner.plan(RestoreRequest.parse(event), Json.text(event, "incidentId")).toStateJson();
    }
}
