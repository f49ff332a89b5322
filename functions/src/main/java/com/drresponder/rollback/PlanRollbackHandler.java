package com.drresponder.rollback;

import com.drresponder.common.Environment;
import com.drresponder.common.JsonStepHandler;
import com.drresponder.common.AwsClients;
import com.drresponder.common.CannedAws;
import com.drresponder.common.Priming;
import com.drresponder.common.Settings;
import com.drresponder.ledger.DynamoDbLedger;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.lambda.LambdaClient;

/**
 * plan-rollback: first step of the rollback-lambda-alias state machine (and its one re-plan after a
 * RevisionId conflict). Input: the playbook input ({@code functionName}, {@code alias},
 * {@code targetVersion?}, {@code expectedFromVersion?}, {@code alarmName?} and {@code detectedAt?} when an alarm started it and,
 * on the re-plan, the previous plan as {@code planned.result}); output: a {@link RollbackPlan}, {@code ignore} for a stale
 * alarm ({@link TriggerFreshness}). Reads only.
 */
public final class PlanRollbackHandler extends JsonStepHandler {
    private final RollbackPlanning planning;

    public PlanRollbackHandler() {
        this(RollbackSettings.from(Environment.variables()));
    }

    private PlanRollbackHandler(RollbackSettings settings) {
        this(new RollbackPlanning(new AwsLambdaAliases(AwsClients.create(LambdaClient.builder())),
                DynamoDbLedger.atInit(Settings.fromEnvironment().ledgerTable()),
                new RollbackPlanner(settings.guardrails()), Clock.systemUTC(),
                new AlarmReader(AwsClients.create(CloudWatchClient.builder())), new TriggerFreshness(settings.alarmMaxAge())));
        Priming.invocationPath("plan-rollback", aws -> primingRun(settings, aws));
    }

    /**
     * At init, on canned AWS ({@link Priming#invocationPath}): the plan of a fresh alarm's rollback (GetAlias,
     * ListVersionsByFunction, the ledger's Queries, DescribeAlarms, ListTags).
     */
    public static void primingRun(RollbackSettings settings, CannedAws aws) {
        new PlanRollbackHandler(new RollbackPlanning(new AwsLambdaAliases(aws.client(LambdaClient.builder())), DynamoDbLedger.canned(aws),
                new RollbackPlanner(settings.guardrails()), Clock.systemUTC(), new AlarmReader(aws.client(CloudWatchClient.builder())),
                new TriggerFreshness(settings.alarmMaxAge())))
                .prime("{\"functionName\":\"priming\",\"alias\":\"live\",\"alarmName\":\"priming\",\"detectedAt\":\"%s\"}"
                        .formatted(java.time.Instant.now()));
    }

    public PlanRollbackHandler(RollbackPlanning planning) {
        this.planning = planning;
    }

    @Override
    protected Object handle(JsonNode in) {
        return planning.plan(in);
    }
}
