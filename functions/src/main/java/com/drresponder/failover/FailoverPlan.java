package com.drresponder.failover;

import com.drresponder.common.Json;
import com.drresponder.playbook.FailoverRequest;
import com.drresponder.restore.RestorePlan;
import com.drresponder.restore.RestorePlanner;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.List;

/**
 * The chosen candidate (or the refusal), every candidate's assessment, and the failback plan that the
 * playbook records as the undo before it promotes anything (promotion ends replication: there is no
 * "un-promote", only a way back).
 */
public record FailoverPlan(Topology primary, List<FailoverPlanner.Assessment> assessed, FailoverPlanner.Assessment chosen, String refusal,
                           Duration rpoTarget, boolean approvalRequired, FailoverRequest request, String incidentId, String stamp, String action) {
    /** How the chosen candidate takes over (the state machine's {@code plan.action}). */
    public static final String NONE = "none";
    public static final String DRILL = "drill";
    public static final String PROMOTE_REPLICA = "promote-replica";
    public static final String READER_FAILOVER = "reader-failover";
    /** SwitchoverGlobalCluster: planned, no data loss. */
    public static final String GLOBAL_SWITCHOVER = "global-switchover";
    /** FailoverGlobalCluster with AllowDataLoss: what had not replicated is lost. */
    public static final String GLOBAL_FAILOVER = "global-failover";
    /** RemoveFromGlobalCluster of the secondary: detached and promoted to a standalone cluster; unreplicated changes are lost. */
    public static final String GLOBAL_DETACH = "global-detach";

    /** Whether the action may lose committed changes (then only an approval that allows data loss lets it run). */
    public static boolean losesData(String action) {
        return GLOBAL_FAILOVER.equals(action) || GLOBAL_DETACH.equals(action);
    }

    public boolean global() {
        return action.startsWith("global-");
    }

    /** The global database's secondary in its Region, as named in commands. */
    private String secondary() {
        return chosen.candidate().id() + " (" + chosen.candidate().region() + ")";
    }

    public boolean refused() {
        return chosen == null;
    }

    /** What the timeline shows at planning: the choice and why, or why nothing may be promoted. */
    public String summary() {
        String others = String.join("; ", FailoverPlanner.reasons(assessed));
        if (refused()) {
            return "Refused: " + refusal + ". Candidates: " + (others.isEmpty() ? "none" : others);
        }
        if (request.drill()) {
            return "Drill: create read replica " + chosen.candidate().id() + " of " + primary.id() + " (tagged " + RestorePlan.DRILL_TAG_KEY
                    + "=true), promote it, verify it, measure RTO/RPO, delete it; " + primary.id() + " and its replicas are not touched. Candidates: " + others;
        }
        if (global()) {
            String g = primary.globalClusterId();
            String what = switch (action) {
                case GLOBAL_SWITCHOVER -> "Switch Aurora Global Database " + g + " over from primary " + primary.id() + " (" + primary.region()
                        + ") to secondary " + secondary() + ": planned, no data loss";
                case GLOBAL_FAILOVER -> "Fail Aurora Global Database " + g + " over to secondary " + secondary() + " allowing data loss (primary "
                        + primary.id() + " is " + primary.status() + "): changes not yet replicated are lost; runs only if the approval allows data loss";
                default -> "Detach secondary " + secondary() + " from Aurora Global Database " + g + " and promote it to a standalone cluster: "
                        + "replication ends, changes not yet replicated are lost; runs only if the approval allows data loss";
            };
            return what + " (" + chosen.why() + "). Candidates: " + others;
        }
        String action = primary.cluster()
                ? "Fail Aurora cluster " + primary.id() + " over from writer " + primary.writerId() + " to reader " + chosen.candidate().id()
                : "Promote read replica " + chosen.candidate().id() + " to replace " + primary.id();
        return action + " (" + chosen.why() + "). Candidates: " + others;
    }

    /**
     * How to go back, recorded before the promotion. Nothing is deleted or changed on the old primary, so the
     * way back is a new replica of the promoted database (or a failover back, for Aurora) plus the cut-over's
     * own undo, which the cut-over step records.
     */
    public String failback() {
        if (refused()) {
            return "Nothing to undo: nothing was changed";
        }
        String to = chosen.candidate().id();
        if (request.drill()) {
            return "Drill: nothing in use changes. " + to + " is made for the drill and deleted at its end; should the drill stop before, delete it: "
                    + "aws rds delete-db-instance --db-instance-identifier " + to + " --skip-final-snapshot";
        }
        if (global()) {
            String g = primary.globalClusterId();
            String candidateRegion = chosen.candidate().region();
            String back = "aws rds switchover-global-cluster --region " + candidateRegion + " --global-cluster-identifier " + g
                    + " --target-db-cluster-identifier " + primary.arn();
            return switch (action) {
                case GLOBAL_SWITCHOVER -> "Nothing is deleted: " + primary.id() + " stays in " + g + " as a secondary. Switch back when wanted: " + back;
                case GLOBAL_FAILOVER -> "Nothing is deleted: RDS re-adds " + primary.id() + " (" + primary.region() + ") to " + g
                        + " as a secondary once its Region recovers; then switch back (no data loss): " + back
                        + ". The changes it had not replicated stay only on it: compare before switching back";
                default -> "Detaching cannot be reversed: " + to + " (" + candidateRegion + ") writes on its own now and " + primary.id()
                        + " stays the primary of " + g + " (never deleted). Fail back: re-add " + to + " as a secondary only after its new "
                        + "writes are kept elsewhere, or make it the primary of a new global database (aws rds create-global-cluster --region "
                        + candidateRegion + " --global-cluster-identifier " + g + "-failback-" + stamp + " --source-db-cluster-identifier "
                        + chosen.candidate().arn() + ") and give it a secondary in " + primary.region()
                        + " (aws rds create-db-cluster --region " + primary.region() + " --global-cluster-identifier " + g + "-failback-" + stamp
                        + " ...), then switch over to that secondary";
            };
        }
        if (primary.cluster()) {
            return "Fail back when " + primary.writerId() + " is healthy: aws rds failover-db-cluster --db-cluster-identifier " + primary.id()
                    + " --target-db-instance-identifier " + primary.writerId();
        }
        // after a rename cut-over the promoted replica answers at the primary's name, and the old primary at its -old- name
        boolean rename = "rename".equals(request.cutover());
        String promoted = rename ? primary.id() : to;
        String old = rename ? oldId() : primary.id();
        return "Promotion cannot be reversed: " + to + " becomes a standalone database and " + primary.id()
                + (rename ? " is renamed " + old + " (never deleted)" : " is kept as it is (never deleted)")
                + ". Fail back: undo the cut-over (its own undo is on the timeline), then give "
                + promoted + " a replica again: aws rds create-db-instance-read-replica --db-instance-identifier " + replicaName(promoted)
                + " --source-db-instance-identifier " + promoted + " (tag it " + "dr:protected=true for the next failover), and retire "
                + old + " once nothing uses it";
    }

    private String replicaName(String base) {
        return RestorePlanner.name(base, "-replica-" + stamp);
    }

    /** With a rename cut-over, where the old primary moves aside (the restore's {@code -old-} name). */
    public String oldId() {
        return RestorePlanner.name(primary.id(), "-old-" + stamp);
    }

    /** How to reverse the rename cut-over by hand, whichever rename got done (the playbook's own undo does it on a failure). */
    public String undoRename() {
        if (refused() || !"rename".equals(request.cutover())) {
            return "";
        }
        String modify = "aws rds modify-db-instance --db-instance-identifier ";
        String to = chosen.candidate().id();
        return "if " + primary.id() + " is the promoted replica: " + modify + primary.id() + " --new-db-instance-identifier " + to
                + " --apply-immediately; then " + modify + oldId() + " --new-db-instance-identifier " + primary.id() + " --apply-immediately";
    }

    private String lagText() {
        Double lag = refused() ? null : chosen.candidate().lagSeconds();
        return lag == null ? "unknown" : FailoverPlanner.seconds(lag) + " s";
    }

    /** The plan as the state machine carries it (no secrets: identifiers, figures and reasons only). */
    public ObjectNode toStateJson() {
        ObjectNode s = Json.object();
        s.put("kind", primary.kind());
        s.put("action", action);
        s.put("global", global());
        s.put("dataLoss", losesData(action));
        s.put("globalClusterId", primary.globalClusterId() == null ? "" : primary.globalClusterId());
        s.put("candidateRegion", refused() || chosen.candidate().region() == null ? "" : chosen.candidate().region());
        s.put("asking", losesData(action)
                ? "This failover loses the changes not yet replicated (lag " + lagText() + "): approve only with data loss allowed (drctl approve --allow-data-loss)"
                : "Promotion needs approval: it ends replication and cannot be undone");
        s.put("sourceId", primary.id());
        s.put("sourceArn", primary.arn());
        s.put("writerId", primary.writerId() == null ? "" : primary.writerId());
        s.put("refused", refused());
        s.put("refusal", refused() ? refusal : "");
        s.put("candidateId", refused() ? "" : chosen.candidate().id());
        s.put("candidateArn", refused() ? "" : chosen.candidate().arn());
        Double lag = refused() ? null : chosen.candidate().lagSeconds();
        if (lag == null) {
            s.putNull("lagSeconds");
        } else {
            s.put("lagSeconds", lag);
        }
        s.put("lag", lagText());
        // a switchover waits until the secondary has every change: nothing is lost whatever the lag was
        if (GLOBAL_SWITCHOVER.equals(action)) {
            s.put("dataLossSeconds", 0);
        } else if (lag == null) {
            s.putNull("dataLossSeconds");
        } else {
            s.put("dataLossSeconds", lag);
        }
        s.put("rpoTargetSeconds", rpoTarget.toSeconds());
        ArrayNode candidates = s.putArray("candidates");
        FailoverPlanner.reasons(assessed).forEach(candidates::add);
        s.put("summary", summary());
        s.put("failback", failback());
        s.put("approvalRequired", approvalRequired);
        s.put("cutover", request.cutover());
        s.put("dryRun", request.dryRun());
        s.put("drill", request.drill());
        s.put("pollSeconds", request.pollSeconds());
        long phase = Duration.ofMinutes(request.timeoutMinutes()).toSeconds();
        s.putObject("phaseSeconds").put("promotion", phase).put("cutover", phase).put("undo", Math.max(phase, RestorePlan.MIN_UNDO_SECONDS));
        // the rename cut-over (the restore's saga): the old primary's status before it, its -old- name, the replica's resource id
        s.put("sourceStatus", primary.status());
        s.put("oldId", oldId());
        String resourceId = refused() ? null : chosen.candidate().resourceId();
        s.put("candidateResourceId", resourceId == null ? "" : resourceId);
        s.put("undoRename", undoRename());
        return s;
    }
}
