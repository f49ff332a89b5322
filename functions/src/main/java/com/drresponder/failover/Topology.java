package com.drresponder.failover;

import java.util.List;
import java.util.Map;

/**
 * What RDS says about a primary and what could replace it: an RDS instance and its read replicas, or an
 * Aurora cluster and its readers. Read-only; the planner decides.
 *
 * @param kind       {@code instance} or {@code cluster}
 * @param writerId   the cluster's current writer instance (null for an instance)
 * @param candidates read replicas (instance) or readers (cluster), with their lag
 */
public record Topology(String kind, String id, String arn, String region, String status, Map<String, String> tags, String writerId,
                       List<Candidate> candidates) {
    public static final String INSTANCE = "instance";
    public static final String CLUSTER = "cluster";

    public Topology {
        tags = Map.copyOf(tags);
        candidates = List.copyOf(candidates);
    }

    public boolean cluster() {
        return CLUSTER.equals(kind);
    }

    /**
     * One replica or reader.
     *
     * @param lagSeconds the latest {@code ReplicaLag} / {@code AuroraReplicaLag} (in seconds) CloudWatch holds for
     *                   it in the last minutes; null when there is none (lag unknown)
     * @param resourceId RDS's immutable id of the instance (DbiResourceId): how a rename cut-over's undo recognises the
     *                   promoted replica under whatever name it answers; null where unknown (a cross-region replica)
     */
    public record Candidate(String id, String arn, String region, String status, Map<String, String> tags, Double lagSeconds, String resourceId) {
        public Candidate {
            tags = Map.copyOf(tags);
        }

        public Candidate(String id, String arn, String region, String status, Map<String, String> tags, Double lagSeconds) {
            this(id, arn, region, status, tags, lagSeconds, null);
        }
    }
}
