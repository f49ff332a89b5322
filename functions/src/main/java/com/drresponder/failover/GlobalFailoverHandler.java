package com.drresponder.failover;

import com.drresponder.common.Json;
import com.drresponder.common.JsonStepHandler;
import com.drresponder.common.Settings;
import com.drresponder.database.RdsLookup;
import com.drresponder.playbook.InvalidRequestException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Set;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBCluster;
import software.amazon.awssdk.services.rds.model.GlobalCluster;
import software.amazon.awssdk.services.rds.model.GlobalClusterMember;

/**
 * fail-over-database step (after {@code Record failover intent}, the write-ahead failback plan): makes an Aurora Global
 * Database's secondary take over, in the secondary's own Region. Step Functions' aws-sdk integrations call only the
 * state machine's Region, and in a Regional outage the secondary's Region is the one that answers, so this Java step
 * calls it with a client for the Region in the secondary's ARN, which must be one the deployment allows
 * ({@link FailoverRegions}). Input {@code {"action", "globalClusterId", "targetArn"}}: {@code global-switchover}
 * (SwitchoverGlobalCluster), {@code global-failover} (FailoverGlobalCluster, AllowDataLoss) or {@code global-detach}
 * (RemoveFromGlobalCluster of the secondary). Before the call it checks again what the plan chose: the secondary is
 * tagged protected and allow-listed, and a member of that global cluster. A retry after an answer that was lost finds
 * the change made ({@code "alreadyDone": true}) instead of failing on it. Output {@code {"action", "region", "alreadyDone"}}.
 */
public final class GlobalFailoverHandler extends JsonStepHandler {
    private static final Set<String> ACTIONS = Set.of(FailoverPlan.GLOBAL_SWITCHOVER, FailoverPlan.GLOBAL_FAILOVER, FailoverPlan.GLOBAL_DETACH);
    private final FailoverRegions regions;
    private final Set<String> allowList;
    private final String protectionTagKey;

    public GlobalFailoverHandler() {
        this(FailoverRegions.fromEnvironment(), Settings.commaList(System.getenv("PROTECTED_RESOURCES")),
                PlanFailoverHandler.env("PROTECTION_TAG_KEY", "dr:protected"));
    }

    public GlobalFailoverHandler(FailoverRegions regions, Set<String> allowList, String protectionTagKey) {
        this.regions = regions;
        this.allowList = Set.copyOf(allowList);
        this.protectionTagKey = protectionTagKey;
    }

    @Override
    protected Object handle(JsonNode event) {
        String action = required(event, "action");
        if (!ACTIONS.contains(action)) {
            throw new InvalidRequestException("action", "must be one of " + String.join(", ", ACTIONS.stream().sorted().toList()) + ", got " + action);
        }
        String globalId = required(event, "globalClusterId");
        String targetArn = required(event, "targetArn");
        String region = regions.require("targetArn", targetArn);
        RdsClient rds = regions.rds(region);
        String targetId = targetArn.substring(targetArn.lastIndexOf(':') + 1);
        DBCluster target = RdsLookup.cluster(rds, targetId)
                .orElseThrow(() -> new InvalidRequestException("targetArn", "no cluster " + targetId + " in " + region));
        if (!"true".equalsIgnoreCase(RdsLookup.tags(target.tagList()).get(protectionTagKey))
                || !allowList.contains("*") && !allowList.contains(target.dbClusterArn())) {
            throw new InvalidRequestException("targetArn", targetArn + " is not opted in (tag " + protectionTagKey + "=true and the allow-list): it never takes over");
        }
        GlobalCluster global = rds.describeGlobalClusters(r -> r.globalClusterIdentifier(globalId)).globalClusters().get(0);
        GlobalClusterMember member = global.globalClusterMembers().stream().filter(m -> target.dbClusterArn().equals(m.dbClusterArn()))
                .findFirst().orElse(null);
        ObjectNode out = Json.object().put("action", action).put("region", region);
        boolean detach = FailoverPlan.GLOBAL_DETACH.equals(action);
        if (member == null && !detach) {
            throw new InvalidRequestException("targetArn", targetArn + " is not a member of global database " + globalId);
        }
        // the change is there already: a retry after a lost answer (detached: not a member any more; else: it writes)
        if (detach ? member == null : Boolean.TRUE.equals(member.isWriter())) {
            return out.put("alreadyDone", true);
        }
        switch (action) {
            case FailoverPlan.GLOBAL_SWITCHOVER ->
                    rds.switchoverGlobalCluster(r -> r.globalClusterIdentifier(globalId).targetDbClusterIdentifier(targetArn));
            case FailoverPlan.GLOBAL_FAILOVER ->
                    rds.failoverGlobalCluster(r -> r.globalClusterIdentifier(globalId).targetDbClusterIdentifier(targetArn).allowDataLoss(true));
            default -> rds.removeFromGlobalCluster(r -> r.globalClusterIdentifier(globalId).dbClusterIdentifier(targetArn));
        }
        return out.put("alreadyDone", false);
    }
}
