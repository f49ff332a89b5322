package com.drresponder.restore;

import com.drresponder.database.RequestedDatabase;
import com.drresponder.playbook.InvalidRequestException;
import com.drresponder.playbook.RestoreRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Validates a restore request against what RDS says and turns it into a {@link RestorePlan}. Reads only:
 * a dry run stops after this, having created nothing.
 */
public final class RestorePlanner {
    static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMddHHmm").withZone(ZoneOffset.UTC);
    private static final int MAX_IDENTIFIER = 63;

    private final RdsInventory rds;
    private final Clock clock;
    private final String protectionTagKey;
    private final Set<String> withoutApproval;
    private final Duration snapshotRetention;

    public RestorePlanner(RdsInventory rds, Clock clock, String protectionTagKey) {
        this(rds, clock, protectionTagKey, Set.of());
    }

    public RestorePlanner(RdsInventory rds, Clock clock, String protectionTagKey, Set<String> withoutApproval) {
        this(rds, clock, protectionTagKey, withoutApproval, RestoreSettings.DEFAULT_SNAPSHOT_RETENTION);
    }

    /**
     * @param withoutApproval   database ARNs whose destructive restores may run without a person approving
     *                          (deployment configuration {@code restoreWithoutApproval}, env {@value #WITHOUT_APPROVAL_VARIABLE})
     * @param snapshotRetention how long the snapshots the restore takes are kept ({@link RestoreSettings#snapshotRetention})
     */
    public RestorePlanner(RdsInventory rds, Clock clock, String protectionTagKey, Set<String> withoutApproval, Duration snapshotRetention) {
        this.rds = rds;
        this.clock = clock;
        this.protectionTagKey = protectionTagKey;
        this.withoutApproval = Set.copyOf(withoutApproval);
        this.snapshotRetention = snapshotRetention;
    }

    public static final String WITHOUT_APPROVAL_VARIABLE = "RESTORE_WITHOUT_APPROVAL";

    public RestorePlan plan(RestoreRequest request, String incidentId) {
        boolean cluster = request.clusterId() != null;
        SourceDatabase source = (cluster ? rds.cluster(request.sourceId()) : rds.instance(request.sourceId()))
                .orElseThrow(() -> RequestedDatabase.notFound(cluster, request.sourceId()));
        RequestedDatabase.requireOptedIn(cluster, source.id(), source.tags(), protectionTagKey, "restores");
        SourceSnapshot snapshot = request.fromSnapshot() != null ? snapshot(request, source) : null;
        // from a snapshot, the data is as of the snapshot's creation: the restore point for verification and RPO
        Instant restoreTime = snapshot != null ? snapshot.createdAt() : restoreTime(request, source);
        Instant now = clock.instant();
        String stamp = STAMP.format(now);
        String targetId = request.targetId() != null ? request.targetId()
                : name(source.id(), request.drill() ? "-drill-" + stamp : "-restored-" + stamp);
        if (targetId.equalsIgnoreCase(source.id())) {
            throw new InvalidRequestException("targetId", "must differ from the source: the restore always goes into a new " + source.kind());
        }
        if (RestorePlan.TARGET_NAME_MARKERS.stream().noneMatch(targetId::contains)) {
            throw new InvalidRequestException("targetId", "must contain " + String.join(" or ", RestorePlan.TARGET_NAME_MARKERS)
                    + " (e.g. " + source.id() + "-restored-1): the restore role may create databases only by such names");
        }
        if (rds.exists(source.kind(), targetId)) {
            throw new InvalidRequestException("targetId", "a " + source.kind() + " named " + targetId
                    + " already exists; give another targetId (nothing is ever overwritten)");
        }
        List<RestorePlan.TargetInstance> instances = cluster ? targetInstances(source, targetId, request.instanceClass()) : List.of();
        for (RestorePlan.TargetInstance instance : instances) {
            if (rds.exists(SourceDatabase.INSTANCE, instance.id())) {
                throw new InvalidRequestException("targetId", "an instance named " + instance.id()
                        + " already exists, and the restored cluster's instances are named after targetId; give another targetId");
            }
        }
        return new RestorePlan(source, targetId, restoreTime, snapshot != null ? "snapshot " + request.fromSnapshot() : request.restoreTime(),
                name(source.id(), "-pre-restore-" + stamp), name(source.id(), "-final-" + stamp), name(source.id(), "-old-" + stamp),
                Duration.ofMinutes(request.timeoutMinutes()).toSeconds(), request.pollSeconds(), request.drill(), request.cutover(),
                request.approval() || approvalRequired(request, source), targetTags(source, incidentId, restoreTime, request.drill()),
                !request.drill() && source.deletionProtection(), instances,
                request.instanceClass() != null ? request.instanceClass() : source.instanceClass(), now,
                snapshot == null ? null : snapshot.id(), snapshotRetention);
    }

    /**
     * The snapshot to restore from: it must be of the protected source itself (a request naming another database's
     * snapshot would copy that database's data under this one's name, tags and protection) and available.
     */
    private SourceSnapshot snapshot(RestoreRequest request, SourceDatabase source) {
        String requested = request.fromSnapshot();
        String kind = source.cluster() ? "cluster snapshot" : "DB snapshot";
        SourceSnapshot snapshot = rds.snapshot(source.kind(), source.id(), requested).orElseThrow(() -> new InvalidRequestException("source.snapshot",
                RestoreRequest.LATEST_AUTOMATED.equals(requested)
                        ? source.id() + " has no available automated snapshot; name a manual snapshot of it"
                        : "no " + kind + " named " + requested + " in this account and region"));
        if (!source.id().equals(snapshot.databaseId())) {
            throw new InvalidRequestException("source.snapshot", kind + " " + snapshot.id() + " is of " + snapshot.databaseId() + ", not of "
                    + source.id() + ": only a snapshot of the database being restored may be used");
        }
        if (!"available".equals(snapshot.status()) || snapshot.createdAt() == null) {
            throw new InvalidRequestException("source.snapshot", kind + " " + snapshot.id() + " is " + snapshot.status()
                    + "; only an available snapshot can be restored");
        }
        return snapshot;
    }

    /**
     * Choices that change what applications use (a rename or config cut-over) or restore an older point
     * (losing everything after it if cut over) wait for a person, whatever the request says, unless the
     * deployment lists the database in {@code restoreWithoutApproval}.
     */
    private boolean approvalRequired(RestoreRequest request, SourceDatabase source) {
        boolean destructive = !"none".equals(request.cutover()) || !"latest".equals(request.restoreTime());
        return destructive && !withoutApproval.contains(source.arn());
    }

    /** "latest" means LatestRestorableTime; a given instant must lie inside the window RDS reports. */
    private static Instant restoreTime(RestoreRequest request, SourceDatabase source) {
        Instant earliest = source.earliestRestorableTime();
        Instant latest = source.latestRestorableTime();
        if (earliest == null || latest == null) {
            throw new InvalidRequestException("restoreTime", source.id() + " has no point-in-time restore window"
                    + " (automated backups off, or the database is too new); enable backups or restore from a snapshot");
        }
        if ("latest".equals(request.restoreTime())) {
            return latest;
        }
        Instant requested = Instant.parse(request.restoreTime());
        if (requested.isBefore(earliest) || requested.isAfter(latest)) {
            throw new InvalidRequestException("restoreTime", request.restoreTime() + " is outside the restore window of "
                    + source.id() + ": from " + earliest + " (EarliestRestorableTime) to " + latest + " (LatestRestorableTime)");
        }
        return requested;
    }

    private static List<RestorePlan.TargetInstance> targetInstances(SourceDatabase source, String targetId, String instanceClass) {
        List<SourceDatabase.Member> members = new ArrayList<>(source.members());
        // the writer first: the first instance created in a cluster becomes its writer
        members.sort((a, b) -> Boolean.compare(b.writer(), a.writer()));
        List<RestorePlan.TargetInstance> targets = new ArrayList<>();
        if (members.isEmpty()) {
            // a cluster without instances restores to a cluster nobody can connect to: give it one writer
            String cls = instanceClass != null ? instanceClass : source.minCapacity() != null ? "db.serverless" : null;
            if (cls == null) {
                throw new InvalidRequestException("instanceClass", source.id() + " has no instances to copy a class from;"
                        + " give instanceClass (such as db.r6g.large or db.serverless)");
            }
            targets.add(new RestorePlan.TargetInstance(name(targetId, "-1"), null, cls, null, 1));
            return targets;
        }
        for (int n = 0; n < members.size(); n++) {
            SourceDatabase.Member m = members.get(n);
            targets.add(new RestorePlan.TargetInstance(name(targetId, "-" + (n + 1)), m.id(),
                    instanceClass != null ? instanceClass : m.instanceClass(), m.parameterGroup(), m.promotionTier()));
        }
        return targets;
    }

    /**
     * The source's tags (so cost allocation, ownership and protection carry over) plus where the copy came
     * from; a drill copy is marked dr:drill=true and not protected, so the router never acts on it and
     * only it may be deleted.
     */
    private Map<String, String> targetTags(SourceDatabase source, String incidentId, Instant restoreTime, boolean drill) {
        Map<String, String> tags = new LinkedHashMap<>(source.tags());
        tags.put(RestorePlan.PLAYBOOK_TAG_KEY, RestoreRequest.PLAYBOOK);
        tags.put("dr:restored-from", source.id());
        tags.put("dr:restore-time", restoreTime.toString());
        if (incidentId != null) {
            tags.put(RestorePlan.INCIDENT_TAG_KEY, incidentId);
        }
        if (drill) {
            tags.remove(protectionTagKey);
            tags.put(RestorePlan.DRILL_TAG_KEY, "true");
        }
        return tags;
    }

    /** base + suffix, shortening the base so the result stays a valid identifier of at most 63 characters. */
    public static String name(String base, String suffix) {
        String head = base.length() + suffix.length() <= MAX_IDENTIFIER ? base : base.substring(0, MAX_IDENTIFIER - suffix.length());
        while (head.endsWith("-")) {
            head = head.substring(0, head.length() - 1);
        }
        return head + suffix;
    }
}
