package com.drresponder.failover;

import com.drresponder.database.RequestedDatabase;
import com.drresponder.playbook.FailoverRequest;
import com.drresponder.playbook.InvalidRequestException;
import com.drresponder.restore.RestorePlan;
import com.drresponder.restore.RestorePlanner;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Chooses what replaces a primary: a read replica to promote (RDS instance) or a reader to fail over to (Aurora).
 * A candidate qualifies when it is available, in the primary's region, opted in itself (a replica is a database
 * of its own: tagged and allow-listed like any resource the responder changes; an Aurora reader belongs to its
 * protected cluster), and its lag is known and within the RPO target; the request may accept more lag
 * ({@code acceptLag}), and then a person must approve. Among qualified candidates the least lag wins (then
 * the name, so the choice is stable). No qualified candidate is a refusal: nothing is changed, the
 * incident is escalated with every candidate's reason. Reads only.
 * <p>When the cluster is the primary of an Aurora Global Database its secondary clusters are candidates too: a secondary
 * qualifies when its Region is one the deployment allows ({@code failoverRegions}), it is available, opted in itself
 * (tag and allow-list: a cluster of its own, never an unprotected twin) and its {@code AuroraGlobalDBReplicationLag} is
 * within the target. It takes over by switchover (no data loss) while the primary is available, else by failover with
 * data loss, or by detach-and-promote when the request asks; either data-losing way always waits for a person whose
 * approval explicitly allows data loss ({@link com.drresponder.restore.ApprovalDecision}).
 */
public final class FailoverPlanner {
    static final String DRILL_TAG_KEY = RestorePlan.DRILL_TAG_KEY;
    static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMddHHmm").withZone(ZoneOffset.UTC);

    private final FailoverInventory rds;
    private final Set<String> allowList;
    private final String protectionTagKey;
    private final Set<String> withoutApproval;
    private final Clock clock;
    private final FailoverRegions regions;

    /**
     * @param allowList       PROTECTED_RESOURCES: a replica is promoted only when listed (or the list holds {@code *})
     * @param withoutApproval primary ARNs that may fail over without a person approving (the deployment's
     *                        {@code restoreWithoutApproval}: the databases it lets recover on their own)
     */
    public FailoverPlanner(FailoverInventory rds, Set<String> allowList, String protectionTagKey, Set<String> withoutApproval, Clock clock,
                           FailoverRegions regions) {
        this.rds = rds;
        this.allowList = Set.copyOf(allowList);
        this.protectionTagKey = protectionTagKey;
        this.withoutApproval = Set.copyOf(withoutApproval);
        this.clock = clock;
        this.regions = regions;
    }

    /** Without other Regions: a global secondary is never chosen. */
    public FailoverPlanner(FailoverInventory rds, Set<String> allowList, String protectionTagKey, Set<String> withoutApproval, Clock clock) {
        this(rds, allowList, protectionTagKey, withoutApproval, clock, new FailoverRegions(null, Set.of(), null, null));
    }

    /** One candidate and whether it may be chosen; {@code why} says why not (or its lag when it may). */
    public record Assessment(Topology.Candidate candidate, boolean qualified, boolean overRpo, String why) {}

    /** @param rpoTarget the deployment's RPO target (stack parameter RpoTargetMinutes) */
    public FailoverPlan plan(FailoverRequest request, String incidentId, Duration rpoTarget) {
        boolean cluster = request.clusterId() != null;
        Topology primary = (cluster ? rds.cluster(request.primaryId()) : rds.instance(request.primaryId()))
                .orElseThrow(() -> RequestedDatabase.notFound(cluster, request.primaryId()));
        RequestedDatabase.requireOptedIn(cluster, primary.id(), primary.tags(), protectionTagKey, "fails over");
        String stamp = STAMP.format(clock.instant());
        if (request.drill()) {
            return drill(primary, request, incidentId, rpoTarget, stamp);
        }
        List<Assessment> assessed = primary.candidates().stream().map(c -> assess(primary, c, request, rpoTarget)).toList();
        Assessment chosen;
        String refusal = null;
        if (request.to() != null) {
            chosen = assessed.stream().filter(a -> a.candidate().id().equalsIgnoreCase(request.to())).findFirst()
                    .orElseThrow(() -> new InvalidRequestException("to", request.to() + " is not " + (cluster ? "a reader or global secondary of " : "a read replica of ")
                            + primary.id() + "; candidates: " + (assessed.isEmpty() ? "none" : String.join(", ",
                            assessed.stream().map(a -> a.candidate().id()).toList()))));
            if (!chosen.qualified()) {
                refusal = chosen.candidate().id() + " may not replace " + primary.id() + ": " + chosen.why();
                chosen = null;
            }
        } else {
            chosen = assessed.stream().filter(Assessment::qualified)
                    .min(Comparator.comparing((Assessment a) -> a.candidate().lagSeconds(), Comparator.nullsLast(Comparator.naturalOrder()))
                            .thenComparing(a -> a.candidate().id()))
                    .orElse(null);
            if (chosen == null) {
                refusal = "no " + (cluster ? "reader" : "read replica") + " of " + primary.id() + " may replace it"
                        + (assessed.isEmpty() ? ": it has none" : "") + "; a point-in-time restore (restore-database-to-point-in-time) is the way back";
            }
        }
        if (chosen != null && "rename".equals(request.cutover()) && chosen.candidate().resourceId() == null) {
            // the undo of a rename cut-over recognises the promoted replica by this id whatever name it holds
            refusal = "RDS reports no resource id for " + chosen.candidate().id() + ": a rename cut-over could not be undone safely; use cutover config";
            chosen = null;
        }
        String action = chosen == null ? FailoverPlan.NONE : action(primary, chosen.candidate(), request);
        if (FailoverPlan.GLOBAL_SWITCHOVER.equals(action) && !"available".equals(primary.status())) {
            refusal = "a switchover needs a healthy primary, and " + primary.id() + " is " + primary.status()
                    + ": ask globalAction failover (data loss, approved explicitly) or detach";
            chosen = null;
            action = FailoverPlan.NONE;
        }
        boolean approval = request.approval() || !withoutApproval.contains(primary.arn()) || chosen != null && chosen.overRpo()
                || FailoverPlan.losesData(action);
        return new FailoverPlan(primary, assessed, chosen, refusal, rpoTarget, approval, request, incidentId, stamp, action);
    }

    /** What the chosen candidate takes over by: a global secondary by the request's way, or by the primary's health. */
    private static String action(Topology primary, Topology.Candidate chosen, FailoverRequest request) {
        if (!primary.cluster()) {
            return FailoverPlan.PROMOTE_REPLICA;
        }
        if (!chosen.globalSecondary()) {
            return FailoverPlan.READER_FAILOVER;
        }
        return switch (request.globalAction()) {
            case "switchover" -> FailoverPlan.GLOBAL_SWITCHOVER;
            case "failover" -> FailoverPlan.GLOBAL_FAILOVER;
            case "detach" -> FailoverPlan.GLOBAL_DETACH;
            default -> "available".equals(primary.status()) ? FailoverPlan.GLOBAL_SWITCHOVER : FailoverPlan.GLOBAL_FAILOVER;
        };
    }

    /**
     * A drill promotes a replica it makes for itself ({@code <primary>-drill-<stamp>}, tagged {@code dr:drill=true}), never
     * one of the primary's: the name must be free, so that what the drill deletes at its end is what it made. A person
     * approves only if the request asks: nothing in use changes.
     */
    private FailoverPlan drill(Topology primary, FailoverRequest request, String incidentId, Duration rpoTarget, String stamp) {
        if (!"available".equals(primary.status())) {
            throw new InvalidRequestException("instanceId", primary.id() + " is " + primary.status() + ": a drill copies a healthy primary");
        }
        String name = RestorePlanner.name(primary.id(), "-drill-" + stamp);
        if (rds.instance(name).isPresent()) {
            throw new InvalidRequestException("instanceId", "an instance named " + name + " already exists: a drill deletes only what it made; start again in a minute");
        }
        String arn = primary.arn().substring(0, primary.arn().lastIndexOf(':') + 1) + name;
        Topology.Candidate replica = new Topology.Candidate(name, arn, primary.region(), "to be created", Map.of(DRILL_TAG_KEY, "true"), null);
        Assessment made = new Assessment(replica, true, false, "made for the drill: a read replica of " + primary.id() + " tagged "
                + DRILL_TAG_KEY + "=true, deleted at the end");
        List<Assessment> assessed = new ArrayList<>();
        primary.candidates().forEach(c -> assessed.add(new Assessment(c, false, false, "not used: a drill promotes only the replica it makes")));
        assessed.add(made);
        return new FailoverPlan(primary, assessed, made, null, rpoTarget, request.approval(), request, incidentId, stamp, FailoverPlan.DRILL);
    }

    private Assessment assess(Topology primary, Topology.Candidate c, FailoverRequest request, Duration rpoTarget) {
        boolean acceptLag = request.acceptLag();
        if (c.globalSecondary()) {
            return assessSecondary(primary, c, acceptLag, rpoTarget);
        }
        if (!FailoverRequest.GLOBAL_AUTO.equals(request.globalAction())) {
            return new Assessment(c, false, false, "a reader: globalAction " + request.globalAction() + " asks for a secondary cluster of an Aurora Global Database");
        }
        if (primary.region() != null && !primary.region().equals(c.region())) {
            return new Assessment(c, false, false, "in " + c.region() + ", not " + primary.region()
                    + ": this playbook promotes replicas in the primary's region only");
        }
        if (!"available".equals(c.status())) {
            return new Assessment(c, false, false, "its status is " + c.status() + ", not available");
        }
        if (!primary.cluster()) {
            if (!"true".equalsIgnoreCase(c.tags().get(protectionTagKey))) {
                return new Assessment(c, false, false, "not tagged " + protectionTagKey + "=true: only opted-in replicas are promoted");
            }
            if (!allowList.contains("*") && !allowList.contains(c.arn())) {
                return new Assessment(c, false, false, c.arn() + " is not in the allow-list (PROTECTED_RESOURCES)");
            }
        }
        return assessLag(c, primary.cluster() ? "AuroraReplicaLag" : "ReplicaLag", acceptLag, rpoTarget);
    }

    /**
     * A secondary cluster of the primary's global database, in its own Region: that Region must be one the deployment
     * allows, and the cluster must be available and opted in itself (tag and allow-list), its global replication lag known
     * and within the target.
     */
    private Assessment assessSecondary(Topology primary, Topology.Candidate c, boolean acceptLag, Duration rpoTarget) {
        String where = "secondary of global database " + primary.globalClusterId() + " in " + c.region();
        if (!regions.allows(c.region())) {
            return new Assessment(c, false, false, where + ", not one of the deployment's Regions (config failoverRegions)");
        }
        if (!"available".equals(c.status())) {
            return new Assessment(c, false, false, where + ": its status is " + c.status() + ", not available");
        }
        if (!"true".equalsIgnoreCase(c.tags().get(protectionTagKey))) {
            return new Assessment(c, false, false, where + ", not tagged " + protectionTagKey + "=true: only opted-in secondaries take over");
        }
        if (!allowList.contains("*") && !allowList.contains(c.arn())) {
            return new Assessment(c, false, false, where + ": " + c.arn() + " is not in the allow-list (PROTECTED_RESOURCES)");
        }
        Assessment lag = assessLag(c, "AuroraGlobalDBReplicationLag", acceptLag, rpoTarget);
        return new Assessment(c, lag.qualified(), lag.overRpo(), where + ", " + lag.why());
    }

    private Assessment assessLag(Topology.Candidate c, String metric, boolean acceptLag, Duration rpoTarget) {
        Double lag = c.lagSeconds();
        if (lag == null) {
            return acceptLag
                    ? new Assessment(c, true, true, "lag unknown (no data in the last minutes), accepted by the request")
                    : new Assessment(c, false, true, "lag unknown (no " + metric
                    + " data in the last minutes): the RPO target of " + rpoTarget.toSeconds() + " s cannot be promised");
        }
        String figure = "lag " + seconds(lag) + " s";
        if (lag > rpoTarget.toSeconds()) {
            return acceptLag
                    ? new Assessment(c, true, true, figure + ", over the RPO target of " + rpoTarget.toSeconds() + " s, accepted by the request")
                    : new Assessment(c, false, true, figure + " is over the RPO target of " + rpoTarget.toSeconds() + " s");
        }
        return new Assessment(c, true, false, figure + " (RPO target " + rpoTarget.toSeconds() + " s)");
    }

    static String seconds(double value) {
        return value == Math.rint(value) ? String.valueOf((long) value) : String.format(Locale.ROOT, "%.1f", value);
    }

    /** One line per candidate for the timeline: chosen or not, and why. */
    static List<String> reasons(List<Assessment> assessed) {
        List<String> out = new ArrayList<>();
        assessed.forEach(a -> out.add(a.candidate().id() + ": " + (a.qualified() ? "qualifies, " : "not chosen, ") + a.why()));
        return out;
    }
}
