package com.drresponder.restore;

import com.drresponder.common.AwsClients;
import com.drresponder.common.Json;
import com.drresponder.common.JsonStepHandler;
import com.drresponder.common.Lazy;
import com.drresponder.common.Telemetry;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.Tag;
import software.amazon.lambda.powertools.metrics.model.MetricUnit;

/**
 * Scheduled (the stack's snapshot-sweeper rule): deletes the manual snapshots the restore playbook made
 * (tagged {@code dr:playbook=restore-database-to-point-in-time}) whose {@value RestorePlan#EXPIRES_TAG_KEY}
 * has passed, and only those: a snapshot without both tags, or with an expiry it cannot read, is kept.
 * Then reports the manual-snapshot quota headroom (quota - manual snapshots left, the smaller of the
 * cluster and instance kinds) as the EMF metric {@code ManualSnapshotHeadroom}, which an alarm watches:
 * a full quota makes the next restore's snapshot fail. Input {@code {"snapshotQuota": 100}} (the account's
 * RDS quota for manual snapshots of each kind; 100 unless raised).
 */
public final class SnapshotSweeperHandler extends JsonStepHandler {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotSweeperHandler.class);
    private final Supplier<RdsClient> rds;
    private final Clock clock;

    public SnapshotSweeperHandler() {
        this(Lazy.of(() -> AwsClients.create(RdsClient.builder())), Clock.systemUTC());
    }

    public SnapshotSweeperHandler(Supplier<RdsClient> rds, Clock clock) {
        this.rds = rds;
        this.clock = clock;
    }

    @Override
    protected Object handle(JsonNode event) {
        int quota = event.path("snapshotQuota").asInt(100);
        Instant now = clock.instant();
        ArrayNode deleted = Json.MAPPER.createArrayNode();
        int clustersLeft = sweep(rds.get().describeDBClusterSnapshotsPaginator(r -> r.snapshotType("manual")).dbClusterSnapshots().stream()
                .map(s -> new ManualSnapshot(s.dbClusterSnapshotIdentifier(), s.tagList(),
                        () -> rds.get().deleteDBClusterSnapshot(r -> r.dbClusterSnapshotIdentifier(s.dbClusterSnapshotIdentifier()))))
                .toList(), now, deleted);
        int instancesLeft = sweep(rds.get().describeDBSnapshotsPaginator(r -> r.snapshotType("manual")).dbSnapshots().stream()
                .map(s -> new ManualSnapshot(s.dbSnapshotIdentifier(), s.tagList(),
                        () -> rds.get().deleteDBSnapshot(r -> r.dbSnapshotIdentifier(s.dbSnapshotIdentifier()))))
                .toList(), now, deleted);
        int headroom = Math.min(quota - clustersLeft, quota - instancesLeft);
        Telemetry.metrics().addMetric("ManualSnapshotHeadroom", headroom, MetricUnit.COUNT);
        ObjectNode result = Json.object();
        result.set("deleted", deleted);
        return result.put("manualClusterSnapshots", clustersLeft).put("manualInstanceSnapshots", instancesLeft).put("quota", quota)
                .put("headroom", headroom);
    }

    /** A manual snapshot, of a cluster or an instance, and how to delete it. */
    private record ManualSnapshot(String id, List<Tag> tags, Runnable delete) {}

    /** Deletes the expired ones among {@code snapshots} (adding their ids to {@code deleted}); how many are left. */
    private static int sweep(List<ManualSnapshot> snapshots, Instant now, ArrayNode deleted) {
        int left = snapshots.size();
        for (ManualSnapshot s : snapshots) {
            if (expired(s.id(), s.tags(), now)) {
                s.delete().run();
                deleted.add(s.id());
                left--;
            }
        }
        return left;
    }

    /** Made by the restore playbook and past its expiry; anything else is someone else's to keep. */
    static boolean expired(String id, List<Tag> tagList, Instant now) {
        Map<String, String> tags = tagList == null ? Map.of() : tagList.stream().collect(Collectors.toMap(Tag::key, Tag::value, (a, b) -> a));
        if (!com.drresponder.playbook.RestoreRequest.PLAYBOOK.equals(tags.get(RestorePlan.PLAYBOOK_TAG_KEY)) || !tags.containsKey(RestorePlan.EXPIRES_TAG_KEY)) {
            return false;
        }
        try {
            return Instant.parse(tags.get(RestorePlan.EXPIRES_TAG_KEY)).isBefore(now);
        } catch (DateTimeParseException e) {
            LOG.warn("snapshot {} has an unreadable {} tag; kept", id, RestorePlan.EXPIRES_TAG_KEY);
            return false;
        }
    }
}
