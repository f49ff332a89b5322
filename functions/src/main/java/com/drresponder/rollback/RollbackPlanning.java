package com.drresponder.rollback;

import com.drresponder.common.Json;
import com.drresponder.ledger.AliasChange;
import com.drresponder.ledger.Ledger;
import com.drresponder.playbook.RollbackRequest;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * What plan-rollback decides ({@link PlanRollbackHandler}): reads the alias, its history and the alarm that triggered
 * the request, judges the trigger's freshness ({@link TriggerFreshness}), then plans with {@link RollbackPlanner}, or
 * finds the previous plan already applied on the re-plan after a RevisionId conflict. Reads only.
 *
 * @param alarms    read, with {@code freshness}, to judge an alarm's trigger before anything is planned
 */
public record RollbackPlanning(LambdaAliases aliases, Ledger ledger, RollbackPlanner planner, Clock clock, AlarmReader alarms,
                               TriggerFreshness freshness) {
    /**
     * The plan, and {@code codeDeploy: {application, deploymentGroup, undo}} when the function's tag {@value #CODEDEPLOY_TAG}
     * ({@code <application>/<deployment group>}) says CodeDeploy shifts its aliases: the playbook then looks for an
     * in-flight deployment to stop with rollback before it touches the alias itself.
     */
    JsonNode plan(JsonNode in) {
        RollbackRequest request = RollbackRequest.parse(in);
        AliasState state = aliases.read(request.functionName(), request.alias());
        String functionArn = state.aliasArn().substring(0, state.aliasArn().lastIndexOf(':'));
        List<AliasChange> history = ledger.aliasHistory(state.aliasArn());
        Optional<String> stale = staleTrigger(in, state, history);
        if (stale.isPresent()) {
            return Json.MAPPER.valueToTree(RollbackPlan.ignore(state, request.functionName(), request.alias(), stale.get()));
        }
        RollbackPlan plan = plan(in, request, state, functionArn, history);
        com.fasterxml.jackson.databind.node.ObjectNode out = Json.MAPPER.valueToTree(plan);
        String group = aliases.tags(functionArn).get(CODEDEPLOY_TAG);
        if (group != null) {
            String[] parts = group.split("/");
            if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
                throw new IllegalArgumentException("tag " + CODEDEPLOY_TAG + " of " + functionArn + " must be <application>/<deployment group>, got \"" + group + "\"");
            }
            out.putObject("codeDeploy").put("application", parts[0]).put("deploymentGroup", parts[1])
                    .put("undo", plan.codeDeployUndo());
        }
        return out;
    }

    /**
     * Why an alarm's trigger is too stale to act on, or empty: judged on the first plan of an execution an alarm started
     * (the router puts {@code alarmName} and {@code detectedAt} in its input; a manual request carries neither and acts).
     * The re-plan after a conflict is not judged again: its own rules decide (applied, or someone else's change).
     */
    private Optional<String> staleTrigger(JsonNode in, AliasState state, List<AliasChange> history) {
        String alarmName = Json.text(in, "alarmName");
        if (alarmName == null || Json.text(in, "expectedFromVersion") != null) {
            return Optional.empty();
        }
        return freshness.staleBecause(alarmName, Json.text(in, "detectedAt"), clock.instant(), () -> alarms.read(alarmName),
                history, state.functionVersion());
    }

    /** Tag on a protected function whose aliases CodeDeploy deploys: {@code <application>/<deployment group>}. */
    public static final String CODEDEPLOY_TAG = "dr:codedeploy-group";

    private RollbackPlan plan(JsonNode in, RollbackRequest request, AliasState state, String functionArn, List<AliasChange> history) {
        JsonNode previous = in.path("planned").path("result");
        if (Json.text(in, "expectedFromVersion") != null && previous.isObject()) {
            Optional<RollbackPlan> applied = planner.alreadyApplied(Json.MAPPER.convertValue(previous, RollbackPlan.class), state);
            if (applied.isPresent()) {
                return applied.get();
            }
        }
        return planner.plan(request.functionName(), request.alias(), state, history,
                ledger.badVersions(functionArn), Optional.ofNullable(request.targetVersion()),
                Optional.ofNullable(Json.text(in, "expectedFromVersion")), clock.instant());
    }
}
