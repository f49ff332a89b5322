package com.drresponder.failover;

import com.drresponder.common.Json;
import com.drresponder.playbook.FailoverRequest;
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
                           Duration rpoTarget, boolean approvalRequired, FailoverRequest request, String incidentId, String stamp) {

    public boolean refused() {
        return chosen == null;
    }

    /** What the timeline shows at planning: the choice and why, or why nothing may be promoted. */
    public String summary() {
        String others = String.join("; ", FailoverPlanner.reasons(assessed));
        if (refused()) {
            return "Refused: " + refusal + ". Candidates: " + (others.isEmpty() ? "none" : others);
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
        if (primary.cluster()) {
            return "Fail back when " + primary.writerId() + " is healthy: aws rds failover-db-cluster --db-cluster-identifier " + primary.id()
                    + " --target-db-instance-identifier " + primary.writerId();
        }
        return "Promotion cannot be reversed: " + to + " becomes a standalone database and " + primary.id()
                + " is kept as it is (never deleted). Fail back: undo the cut-over (its own undo is on the timeline), then give "
                + to + " a replica again: aws rds create-db-instance-read-replica --db-instance-identifier " + replicaName(to)
                + " --source-db-instance-identifier " + to + " (tag it " + "dr:protected=true for the next failover), and retire "
                + primary.id() + " once nothing uses it";
    }

    private String replicaName(String base) {
        String suffix = "-replica-" + stamp;
        String head = base.length() + suffix.length() <= 63 ? base : base.substring(0, 63 - suffix.length());
        return head.replaceAll("-+$", "") + suffix;
    }

    /** The plan as the state machine carries it (no secrets: identifiers, figures and reasons only). */
    public ObjectNode toStateJson() {
        ObjectNode s = Json.object();
        s.put("kind", primary.kind());
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
        s.put("lag", lag == null ? "unknown" : FailoverPlanner.seconds(lag) + " s");
        s.put("rpoTargetSeconds", rpoTarget.toSeconds());
        ArrayNode candidates = s.putArray("candidates");
        FailoverPlanner.reasons(assessed).forEach(candidates::add);
        s.put("summary", summary());
        s.put("failback", failback());
        s.put("approvalRequired", approvalRequired);
        s.put("cutover", request.cutover());
        s.put("dryRun", request.dryRun());
        s.put("pollSeconds", request.pollSeconds());
        s.putObject("phaseSeconds").put("promotion", Duration.ofMinutes(request.timeoutMinutes()).toSeconds());
        return s;
    }
}
