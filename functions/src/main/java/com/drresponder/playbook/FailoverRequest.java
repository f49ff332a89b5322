package com.drresponder.playbook;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Manual input of the fail-over-database playbook: which primary (an RDS instance or an Aurora cluster),
 * optionally which replica or reader to promote ({@code to}), how consumers are cut over, and what to verify.
 * The verify and cut-over blocks are the restore's ({@link RestoreRequest}): one schema, one verifier, one
 * cut-over. Every bad field fails with a message naming it, before anything is looked up in AWS.
 *
 * @param acceptLag the operator accepts a candidate whose lag exceeds the RPO target (or is unknown); a
 *                  person must then approve, whatever the deployment allows
 * @param drill     {@code "mode": "drill"}: promote a throw-away read replica made for the drill (never a real one),
 *                  measure, and delete it; an RDS instance only, no cut-over, no {@code to}
 * @param globalAction for the primary of an Aurora Global Database: {@code auto} (a reader or a secondary, whichever
 *                  qualifies with least lag; a secondary by switchover when the primary is available, else by failover
 *                  with data loss), or only a secondary by {@code switchover} (no data loss), {@code failover}
 *                  ({@code AllowDataLoss}) or {@code detach} (RemoveFromGlobalCluster: detach and promote)
 */
public record FailoverRequest(
        String clusterId,
        String instanceId,
        String to,
        String cutover,
        boolean approval,
        boolean acceptLag,
        boolean dryRun,
        String reason,
        RestoreRequest.Verify verify,
        RestoreRequest.CutoverConfig cutoverConfig,
        int pollSeconds,
        int timeoutMinutes,
        boolean drill,
        String globalAction) {
    public static final String PLAYBOOK = "fail-over-database";
    public static final String GLOBAL_AUTO = "auto";

    public FailoverRequest(String clusterId, String instanceId, String to, String cutover, boolean approval, boolean acceptLag, boolean dryRun,
                           String reason, RestoreRequest.Verify verify, RestoreRequest.CutoverConfig cutoverConfig, int pollSeconds,
                           int timeoutMinutes, boolean drill) {
        this(clusterId, instanceId, to, cutover, approval, acceptLag, dryRun, reason, verify, cutoverConfig, pollSeconds, timeoutMinutes, drill,
                GLOBAL_AUTO);
    }

    public static FailoverRequest parse(JsonNode node) {
        String cluster = RequestFields.optional(node, "clusterId", RestoreRequest.DB_IDENTIFIER, RestoreRequest.IDENTIFIER_RULE);
        String instance = RequestFields.optional(node, "instanceId", RestoreRequest.DB_IDENTIFIER, RestoreRequest.IDENTIFIER_RULE);
        if ((cluster == null) == (instance == null)) {
            throw new InvalidRequestException("clusterId", "give exactly one of clusterId (Aurora: fail over to a reader) or instanceId (RDS: promote a read replica)");
        }
        String to = RequestFields.optional(node, "to", RestoreRequest.DB_IDENTIFIER, RestoreRequest.IDENTIFIER_RULE);
        if (to != null && to.equalsIgnoreCase(cluster != null ? cluster : instance)) {
            throw new InvalidRequestException("to", "must name a replica or reader, not the primary itself");
        }
        String cutover = RequestFields.oneOf(node, "cutover", "none", "none", "rename", "config");
        if (cluster != null && !"none".equals(cutover)) {
            throw new InvalidRequestException("cutover", "an Aurora failover keeps the cluster endpoints (they follow the new writer); use \"none\", got \"" + cutover + "\"");
        }
        RestoreRequest.CutoverConfig cutoverConfig = RestoreRequest.cutoverConfig(node.get("cutoverConfig"));
        if ("config".equals(cutover) && cutoverConfig == null) {
            throw new InvalidRequestException("cutoverConfig", "is required when cutover is \"config\": {\"secretId\"} or {\"parameterName\"} or {\"functionName\", \"variable\"}");
        }
        if (!"config".equals(cutover) && cutoverConfig != null) {
            throw new InvalidRequestException("cutoverConfig", "is only used with cutover \"config\", but cutover is \"" + cutover + "\"");
        }
        boolean drill = "drill".equals(RequestFields.oneOf(node, "mode", "failover", "failover", "drill"));
        if (drill && cluster != null) {
            throw new InvalidRequestException("mode", "a drill makes and promotes a read replica of an RDS instance: give instanceId, not clusterId");
        }
        if (drill && (to != null || !"none".equals(cutover))) {
            throw new InvalidRequestException("mode", "a drill promotes only the replica it makes and moves nobody: no \"to\", cutover \"none\"");
        }
        String globalAction = RequestFields.oneOf(node, "globalAction", GLOBAL_AUTO, GLOBAL_AUTO, "switchover", "failover", "detach");
        if (cluster == null && !GLOBAL_AUTO.equals(globalAction)) {
            throw new InvalidRequestException("globalAction", "applies to an Aurora cluster that is the primary of a global database: give clusterId");
        }
        RestoreRequest.Verify verify = RestoreRequest.verify(node.get("verify"));
        if (verify == null && !"none".equals(cutover)) {
            throw new InvalidRequestException("verify", "is required with cutover \"" + cutover + "\": nobody is pointed at a promoted database that was not checked");
        }
        if (verify != null && verify.rowCounts().values().stream().anyMatch(r -> r.tolerancePercent() != null)) {
            throw new InvalidRequestException("verify.rowCounts", "a failover compares no counts with the primary (it may be gone): use minimum row counts");
        }
        return new FailoverRequest(cluster, instance, to, cutover,
                RequestFields.bool(node, "approval", false),
                RequestFields.bool(node, "acceptLag", false),
                RequestFields.bool(node, "dryRun", false),
                RequestFields.optional(node, "reason", null, "free text"),
                verify, cutoverConfig,
                RestoreRequest.integer(node, "pollSeconds", RestoreRequest.DEFAULT_POLL_SECONDS, 1, 3600),
                RestoreRequest.integer(node, "timeoutMinutes", RestoreRequest.DEFAULT_TIMEOUT_MINUTES, 0, 1440), drill, globalAction);
    }

    public String primaryId() {
        return clusterId != null ? clusterId : instanceId;
    }
}
