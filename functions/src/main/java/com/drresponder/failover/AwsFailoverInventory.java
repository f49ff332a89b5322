package com.drresponder.failover;

import com.drresponder.database.RdsLookup;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataQuery;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataResult;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBCluster;
import software.amazon.awssdk.services.rds.model.DBClusterMember;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.GlobalCluster;

/**
 * {@link FailoverInventory} over DescribeDBInstances / DescribeDBClusters (tags come in the answer) and one
 * CloudWatch GetMetricData per plan for the candidates' lag: {@code AWS/RDS ReplicaLag} (seconds) for read
 * replicas, {@code AuroraReplicaLag} (milliseconds) for Aurora readers, the latest 1-minute maximum of the last
 * {@link #LAG_WINDOW}. No data means the lag is unknown, never zero. A cluster that is the primary of an Aurora
 * Global Database (its GlobalClusterIdentifier, then DescribeGlobalClusters) also lists the global cluster's secondaries, each described in its own
 * Region with {@code AuroraGlobalDBReplicationLag} (milliseconds, per {@code DBClusterIdentifier}) from that Region's
 * CloudWatch; a secondary in a Region the deployment does not allow is listed undescribed (never called).
 */
public record AwsFailoverInventory(RdsClient rds, CloudWatchClient cloudWatch, Clock clock, FailoverRegions regions) implements FailoverInventory {
    /** RDS publishes lag every minute; older figures say nothing about now. */
    static final Duration LAG_WINDOW = Duration.ofMinutes(5);

    @Override
    public Optional<Topology> instance(String id) {
        Optional<DBInstance> primary = RdsLookup.instance(rds, id);
        if (primary.isEmpty()) {
            return Optional.empty();
        }
        DBInstance p = primary.get();
        String region = region(p.dbInstanceArn());
        List<DBInstance> replicas = new ArrayList<>();
        for (String replica : p.readReplicaDBInstanceIdentifiers()) {
            // a cross-region replica is listed by ARN: it is described in its own region, so it stays a name here
            if (replica.startsWith("arn:")) {
                replicas.add(DBInstance.builder().dbInstanceIdentifier(replica.substring(replica.lastIndexOf(':') + 1))
                        .dbInstanceArn(replica).dbInstanceStatus("unknown").build());
            } else {
                RdsLookup.instance(rds, replica).ifPresent(replicas::add);
            }
        }
        Map<String, Double> lag = lag(cloudWatch, "ReplicaLag", "DBInstanceIdentifier", 1.0, replicas.stream().map(DBInstance::dbInstanceIdentifier).toList());
        List<Topology.Candidate> candidates = replicas.stream().map(r -> new Topology.Candidate(r.dbInstanceIdentifier(), r.dbInstanceArn(),
                region(r.dbInstanceArn()), r.dbInstanceStatus(), RdsLookup.tags(r.tagList()), lag.get(r.dbInstanceIdentifier()),
                r.dbiResourceId())).toList();
        return Optional.of(new Topology(Topology.INSTANCE, p.dbInstanceIdentifier(), p.dbInstanceArn(), region, p.dbInstanceStatus(),
                RdsLookup.tags(p.tagList()), null, candidates));
    }

    @Override
    public Optional<Topology> cluster(String id) {
        return RdsLookup.cluster(rds, id).map(this::topology);
    }

    private Topology topology(DBCluster c) {
        String writer = c.dbClusterMembers().stream().filter(m -> Boolean.TRUE.equals(m.isClusterWriter()))
                .map(DBClusterMember::dbInstanceIdentifier).findFirst().orElse(null);
        List<DBInstance> readers = c.dbClusterMembers().stream().filter(m -> !Boolean.TRUE.equals(m.isClusterWriter()))
                .flatMap(m -> RdsLookup.instance(rds, m.dbInstanceIdentifier()).stream()).toList();
        Map<String, Double> lag = lag(cloudWatch, "AuroraReplicaLag", "DBInstanceIdentifier", 0.001,
                readers.stream().map(DBInstance::dbInstanceIdentifier).toList());
        List<Topology.Candidate> candidates = new ArrayList<>(readers.stream().map(r -> new Topology.Candidate(r.dbInstanceIdentifier(),
                r.dbInstanceArn(), region(r.dbInstanceArn()), r.dbInstanceStatus(), RdsLookup.tags(r.tagList()), lag.get(r.dbInstanceIdentifier())))
                .toList());
        Optional<GlobalCluster> global = primaryOf(c);
        global.ifPresent(g -> g.globalClusterMembers().stream().filter(m -> !Boolean.TRUE.equals(m.isWriter()))
                .forEach(m -> candidates.add(secondary(m.dbClusterArn()))));
        return new Topology(Topology.CLUSTER, c.dbClusterIdentifier(), c.dbClusterArn(), region(c.dbClusterArn()), c.status(),
                RdsLookup.tags(c.tagList()), writer, candidates, global.map(GlobalCluster::globalClusterIdentifier).orElse(null));
    }

    /**
     * The global cluster whose writer (primary) member is this cluster, if any: the one DescribeDBClusters names, read by
     * its identifier (a named resource, which IAM can scope), and only if this cluster is its writer.
     */
    private Optional<GlobalCluster> primaryOf(DBCluster c) {
        String id = c.globalClusterIdentifier();
        if (id == null || id.isBlank()) {
            return Optional.empty();
        }
        return rds.describeGlobalClusters(r -> r.globalClusterIdentifier(id)).globalClusters().stream()
                .filter(g -> g.globalClusterMembers().stream().anyMatch(m -> c.dbClusterArn().equals(m.dbClusterArn()) && Boolean.TRUE.equals(m.isWriter())))
                .findFirst();
    }

    /** A global secondary, described in its own Region (only an allowed one), with AuroraGlobalDBReplicationLag from there. */
    private Topology.Candidate secondary(String arn) {
        String region = region(arn);
        String id = arn.substring(arn.lastIndexOf(':') + 1);
        if (!regions.allows(region)) {
            return new Topology.Candidate(id, arn, region, "not described", Map.of(), null, null, true);
        }
        Optional<DBCluster> found = RdsLookup.cluster(regions.rds(region), id);
        if (found.isEmpty()) {
            return new Topology.Candidate(id, arn, region, "not-found", Map.of(), null, null, true);
        }
        DBCluster s = found.get();
        Double lag = lag(regions.cloudWatch(region), "AuroraGlobalDBReplicationLag", "DBClusterIdentifier", 0.001,
                List.of(s.dbClusterIdentifier())).get(s.dbClusterIdentifier());
        return new Topology.Candidate(s.dbClusterIdentifier(), s.dbClusterArn(), region, s.status(), RdsLookup.tags(s.tagList()), lag, null, true);
    }

    /** Latest value per instance, times {@code toSeconds}; instances without data are absent. */
    private Map<String, Double> lag(CloudWatchClient cloudWatch, String metric, String dimension, double toSeconds, List<String> instances) {
        Map<String, Double> lag = new HashMap<>();
        if (instances.isEmpty()) {
            return lag;
        }
        List<MetricDataQuery> queries = new ArrayList<>();
        for (int i = 0; i < instances.size(); i++) {
            String instance = instances.get(i);
            queries.add(MetricDataQuery.builder().id("m" + i).returnData(true).metricStat(s -> s.period(60).stat("Maximum")
                    .metric(m -> m.namespace("AWS/RDS").metricName(metric).dimensions(d -> d.name(dimension).value(instance))))
                    .build());
        }
        Instant now = clock.instant();
        List<MetricDataResult> results = cloudWatch.getMetricData(r -> r.metricDataQueries(queries)
                .startTime(now.minus(LAG_WINDOW)).endTime(now.plusSeconds(60)).scanBy("TimestampDescending")).metricDataResults();
        for (MetricDataResult result : results) {
            if (!result.values().isEmpty()) {
                lag.put(instances.get(Integer.parseInt(result.id().substring(1))), result.values().get(0) * toSeconds);
            }
        }
        return lag;
    }

    private static String region(String arn) {
        String[] parts = arn == null ? new String[0] : arn.split(":");
        return parts.length > 3 ? parts[3] : null;
    }
}
