package com.drresponder.failover;

import java.util.List;
import java.util.Map;

/**
 * What RDS says about a primary and what could replace it: an RDS instance and its read replicas, or an
 * Aurora cluster and its readers (and, when it is the primary of an Aurora Global Database, that global cluster's
 * secondary clusters in other Regions). Read-only; the planner decides.
 *
 * @param kind            {@code instance} or {@code cluster}
 * @param writerId        the cluster's current writer instance (null for an instance)
 * @param candidates      read replicas (instance) or readers and global secondaries (cluster), with their lag
 * @param globalClusterId the Aurora Global Database whose primary this cluster is; null when it is none's primary
 */
public record Topology(String kind, String id, String arn, String region, String status, Map<String, String> tags, String writerId,
                       List<Candidate> candidates, String globalClusterId) {
    public static final String INSTANCE = "instance";
    public static final String CLUSTER = "cluster";

    public Topology {
        tags = Map.copyOf(tags);
        candidates = List.copyOf(candidates);
    }

    public Topology(String kind, String id, String arn, String region, String status, Map<String, String> tags, String writerId,
                    List<Candidate> candidates) {
        this(kind, id, arn, region, status, tags, writerId, candidates, null);
    }

    public boolean cluster() {
        return CLUSTER.equals(kind);
    }

    /**
     * One replica, reader or global secondary cluster.
     *
     * @param lagSeconds      the latest {@code ReplicaLag} / {@code AuroraReplicaLag} / {@code AuroraGlobalDBReplicationLag}
     *                        (in seconds) CloudWatch holds for it in the last minutes; null when there is none (lag unknown)
     * @param resourceId      RDS's immutable id of the instance (DbiResourceId): how a rename cut-over's undo recognises the
     *                        promoted replica under whatever name it answers; null where unknown (a cross-region replica)
     * @param globalSecondary a secondary cluster of the primary's Aurora Global Database (in its own Region)
     */
    public record Candidate(String id, String arn, String region, String status, Map<String, String> tags, Double lagSeconds, String resourceId,
                            boolean globalSecondary) {
        public Candidate {
            tags = Map.copyOf(tags);
        }

        public Candidate(String id, String arn, String region, String status, Map<String, String> tags, Double lagSeconds, String resourceId) {
            this(id, arn, region, status, tags, lagSeconds, resourceId, false);
        }

        public Candidate(String id, String arn, String region, String status, Map<String, String> tags, Double lagSeconds) {
            this(id, arn, region, status, tags, lagSeconds, null, false);
        }
    }
}
