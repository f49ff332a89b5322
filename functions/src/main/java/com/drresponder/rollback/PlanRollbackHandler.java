package com.drresponder.rollback;

import com.drresponder.common.Environment;
import com.drresponder.common.JsonStepHandler;
import com.drresponder.common.AwsClients;
import com.drresponder.common.Json;
import com.drresponder.common.Settings;
import com.drresponder.ledger.DynamoDbLedger;
import com.drresponder.ledger.Ledger;
import com.drresponder.playbook.RollbackRequest;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.lambda.LambdaClient;

/**
 * plan-rollback: first step of the rollback-lambda-alias state machine (and its one re-plan after a
 * RevisionId conflict). Input: the playbook input ({@code functionName}, {@code alias},
 * {@code targetVersion?}, {@code expectedFromVersion?} and, on the re-plan, the previous plan as {@code planned.result});
 * output: a {@link RollbackPlan}. Reads only.
 */
public final class PlanRollbackHandler extends JsonStepHandler {
    private final LambdaAliases aliases;
    private final Ledger ledger;
    private final RollbackPlanner planner;
    private final Clock clock;

    public PlanRollbackHandler() {
        this(new AwsLambdaAliases(AwsClients.create(LambdaClient.builder())),
                new DynamoDbLedger(AwsClients.create(DynamoDbClient.builder()), Settings.fromEnvironment().ledgerTable()),
                new RollbackPlanner(RollbackSettings.from(Environment.variables()).guardrails()), Clock.systemUTC());
    }

    public PlanRollbackHandler(LambdaAliases aliases, Ledger ledger, RollbackPlanner planner, Clock clock) {
        this.aliases = aliases;
        this.ledger = ledger;
        this.planner = planner;
        this.clock = clock;
    }

    @Override
    protected Object handle(JsonNode in) {
        return plan(in);
    }

    RollbackPlan plan(JsonNode in) {
        RollbackRequest request = RollbackRequest.parse(in);
        AliasState state = aliases.read(request.functionName(), request.alias());
        String functionArn = state.aliasArn().substring(0, state.aliasArn().lastIndexOf(':'));
        JsonNode previous = in.path("planned").path("result");
        if (Json.text(in, "expectedFromVersion") != null && previous.isObject()) {
            Optional<RollbackPlan> applied = planner.alreadyApplied(Json.MAPPER.convertValue(previous, RollbackPlan.class), state);
            if (applied.isPresent()) {
                return applied.get();
            }
        }
        return planner.plan(request.functionName(), request.alias(), state, ledger.aliasHistory(state.aliasArn()),
                ledger.badVersions(functionArn), Optional.ofNullable(request.targetVersion()),
                Optional.ofNullable(Json.text(in, "expectedFromVersion")), clock.instant());
    }
}
