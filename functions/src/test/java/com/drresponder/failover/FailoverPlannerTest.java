package com.drresponder.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.drresponder.common.Json;
import com.drresponder.playbook.FailoverRequest;
import com.drresponder.playbook.InvalidRequestException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Candidate choice over lag, health, region and protection; an in-memory inventory (no AWS). */
class FailoverPlannerTest {
    static final String ACCOUNT = "123456789012";
    static final Duration RPO = Duration.ofMinutes(5);
    static final Map<String, String> PROTECTED = Map.of("dr:protected", "true");

    final Map<String, Topology> instances = new HashMap<>();
    final Map<String, Topology> clusters = new HashMap<>();
    final FailoverInventory inventory = new FailoverInventory() {
        @Override
        public Optional<Topology> instance(String id) {
            return Optional.ofNullable(instances.get(id));
        }

        @Override
        public Optional<Topology> cluster(String id) {
            return Optional.ofNullable(clusters.get(id));
        }
    };

    FailoverPlanner planner(Set<String> allowList, Set<String> withoutApproval) {
        return new FailoverPlanner(inventory, allowList, "dr:protected", withoutApproval,
                Clock.fixed(Instant.parse("2026-12-02T05:00:00Z"), ZoneOffset.UTC));
    }

    FailoverPlan plan(ObjectNode request) {
        return planner(Set.of("*"), Set.of()).plan(FailoverRequest.parse(request), "inc-1", RPO);
    }

    static Topology.Candidate replica(String id, String region, String status, Map<String, String> tags, Double lag) {
        return new Topology.Candidate(id, "arn:aws:rds:" + region + ":" + ACCOUNT + ":db:" + id, region, status, tags, lag);
    }

    void ordersDb(Topology.Candidate... replicas) {
        instances.put("orders-db", new Topology(Topology.INSTANCE, "orders-db", "arn:aws:rds:eu-west-1:" + ACCOUNT + ":db:orders-db",
                "eu-west-1", "available", PROTECTED, null, List.of(replicas)));
    }

    static ObjectNode request() {
        return Json.object().put("instanceId", "orders-db");
    }

    @Test
    void plan_should_chooseTheProtectedReplicaWithLeastLag_when_severalQualify() {
        // GIVEN three opted-in replicas with 40 s, 3 s and 3 s of lag
        ordersDb(replica("orders-db-b", "eu-west-1", "available", PROTECTED, 40.0),
                replica("orders-db-c", "eu-west-1", "available", PROTECTED, 3.0),
                replica("orders-db-a", "eu-west-1", "available", PROTECTED, 3.0));
        // WHEN the failover is planned
        FailoverPlan plan = plan(request());
        // THEN the least lag wins, ties broken by name; approval is required by default
        assertThat(plan.refused()).isFalse();
        assertThat(plan.chosen().candidate().id()).isEqualTo("orders-db-a");
        assertThat(plan.approvalRequired()).isTrue();
        assertThat(plan.toStateJson().get("lagSeconds").asDouble()).isEqualTo(3.0);
        assertThat(plan.summary()).startsWith("Promote read replica orders-db-a to replace orders-db (lag 3 s (RPO target 300 s))");
    }

    @Test
    void plan_should_neverChooseAnUnprotectedTwin_when_itHasLessLag() {
        // GIVEN an untagged twin with no lag and an opted-in replica with 10 s
        ordersDb(replica("orders-db-twin", "eu-west-1", "available", Map.of(), 0.0),
                replica("orders-db-replica", "eu-west-1", "available", PROTECTED, 10.0));
        FailoverPlan plan = plan(request());
        assertThat(plan.chosen().candidate().id()).isEqualTo("orders-db-replica");
        assertThat(plan.summary()).contains("orders-db-twin: not chosen, not tagged dr:protected=true");
    }

    @Test
    void plan_should_refuseATwinByName_when_toNamesIt() {
        ordersDb(replica("orders-db-twin", "eu-west-1", "available", Map.of(), 0.0));
        FailoverPlan plan = plan(request().put("to", "orders-db-twin"));
        assertThat(plan.refused()).isTrue();
        assertThat(plan.refusal()).contains("orders-db-twin may not replace orders-db: not tagged dr:protected=true");
    }

    @Test
    void plan_should_refuseAReplica_when_notInTheAllowList() {
        ordersDb(replica("orders-db-replica", "eu-west-1", "available", PROTECTED, 1.0));
        FailoverPlan plan = planner(Set.of("arn:aws:rds:eu-west-1:" + ACCOUNT + ":db:orders-db"), Set.of())
                .plan(FailoverRequest.parse(request()), "inc-1", RPO);
        assertThat(plan.refused()).isTrue();
        assertThat(plan.summary()).contains("is not in the allow-list (PROTECTED_RESOURCES)");
    }

    @Test
    void plan_should_refuse_when_everyLagIsOverTheRpoTargetOrUnknown() {
        ordersDb(replica("orders-db-slow", "eu-west-1", "available", PROTECTED, 301.0),
                replica("orders-db-silent", "eu-west-1", "available", PROTECTED, null));
        FailoverPlan plan = plan(request());
        assertThat(plan.refused()).isTrue();
        assertThat(plan.summary()).contains("orders-db-slow: not chosen, lag 301 s is over the RPO target of 300 s")
                .contains("orders-db-silent: not chosen, lag unknown");
        assertThat(plan.toStateJson().get("refused").asBoolean()).isTrue();
        assertThat(plan.failback()).isEqualTo("Nothing to undo: nothing was changed");
    }

    @Test
    void plan_should_acceptLagOverTheTarget_only_withApproval_when_requestAcceptsLag() {
        ordersDb(replica("orders-db-slow", "eu-west-1", "available", PROTECTED, 900.0));
        FailoverPlan plan = planner(Set.of("*"), Set.of("arn:aws:rds:eu-west-1:" + ACCOUNT + ":db:orders-db"))
                .plan(FailoverRequest.parse(request().put("acceptLag", true)), "inc-1", RPO);
        assertThat(plan.chosen().candidate().id()).isEqualTo("orders-db-slow");
        assertThat(plan.approvalRequired()).as("accepted data loss always waits for a person").isTrue();
    }

    @Test
    void plan_should_skipApproval_when_theDeploymentListsTheDatabaseAndLagIsWithinTarget() {
        ordersDb(replica("orders-db-replica", "eu-west-1", "available", PROTECTED, 2.0));
        FailoverPlan plan = planner(Set.of("*"), Set.of("arn:aws:rds:eu-west-1:" + ACCOUNT + ":db:orders-db"))
                .plan(FailoverRequest.parse(request()), "inc-1", RPO);
        assertThat(plan.approvalRequired()).isFalse();
    }

    @Test
    void plan_should_refuseUnavailableAndOtherRegionReplicas() {
        ordersDb(replica("orders-db-modifying", "eu-west-1", "modifying", PROTECTED, 1.0),
                replica("orders-db-dublin", "us-east-1", "available", PROTECTED, 1.0));
        FailoverPlan plan = plan(request());
        assertThat(plan.refused()).isTrue();
        assertThat(plan.summary()).contains("orders-db-modifying: not chosen, its status is modifying")
                .contains("orders-db-dublin: not chosen, in us-east-1, not eu-west-1");
    }

    @Test
    void plan_should_rejectTo_when_itNamesNoReplica() {
        ordersDb(replica("orders-db-replica", "eu-west-1", "available", PROTECTED, 1.0));
        assertThatThrownBy(() -> plan(request().put("to", "billing-db")))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("billing-db is not a read replica of orders-db; candidates: orders-db-replica");
    }

    @Test
    void plan_should_reject_when_thePrimaryIsNotOptedIn() {
        instances.put("orders-db", new Topology(Topology.INSTANCE, "orders-db", "arn:aws:rds:eu-west-1:" + ACCOUNT + ":db:orders-db",
                "eu-west-1", "available", Map.of(), null, List.of()));
        assertThatThrownBy(() -> plan(request())).isInstanceOf(InvalidRequestException.class).hasMessageContaining("is not tagged dr:protected=true");
    }

    @Test
    void plan_should_chooseAReaderByLag_and_planAFailBack_when_auroraCluster() {
        // GIVEN an Aurora cluster: readers carry no tags of their own (the cluster is the protected resource)
        clusters.put("orders-cluster", new Topology(Topology.CLUSTER, "orders-cluster", "arn:aws:rds:eu-west-1:" + ACCOUNT + ":cluster:orders-cluster",
                "eu-west-1", "available", PROTECTED, "orders-cluster-1",
                List.of(replica("orders-cluster-2", "eu-west-1", "available", Map.of(), 0.02), replica("orders-cluster-3", "eu-west-1", "available", Map.of(), 0.01))));
        FailoverPlan plan = plan(Json.object().put("clusterId", "orders-cluster"));
        assertThat(plan.chosen().candidate().id()).isEqualTo("orders-cluster-3");
        assertThat(plan.summary()).startsWith("Fail Aurora cluster orders-cluster over from writer orders-cluster-1 to reader orders-cluster-3");
        assertThat(plan.failback()).contains("--target-db-instance-identifier orders-cluster-1");
    }

    @Test
    void failback_should_nameANewReplicaOfThePromotedDatabase_when_instance() {
        ordersDb(replica("orders-db-replica", "eu-west-1", "available", PROTECTED, 1.0));
        assertThat(plan(request()).failback()).contains("Promotion cannot be reversed")
                .contains("--db-instance-identifier orders-db-replica-replica-202612020500 --source-db-instance-identifier orders-db-replica")
                .contains("orders-db is kept as it is (never deleted)");
    }

    @Test
    void plan_should_promoteOnlyAReplicaMadeForTheDrill_when_modeDrill() {
        // GIVEN orders-db with a qualifying replica of its own
        ordersDb(replica("orders-db-replica", "eu-west-1", "available", PROTECTED, 1.0));
        // WHEN a drill is planned
        FailoverPlan plan = plan(request().put("mode", "drill"));
        // THEN the candidate is a new, drill-tagged replica named for the drill; the real replica is not used; no approval asked
        assertThat(plan.chosen().candidate().id()).isEqualTo("orders-db-drill-202612020500");
        assertThat(plan.chosen().candidate().tags()).containsEntry("dr:drill", "true");
        assertThat(plan.approvalRequired()).isFalse();
        assertThat(plan.toStateJson().get("drill").asBoolean()).isTrue();
        assertThat(plan.summary()).startsWith("Drill: create read replica orders-db-drill-202612020500 of orders-db")
                .contains("orders-db-replica: not chosen, not used: a drill promotes only the replica it makes");
        assertThat(plan.failback()).contains("aws rds delete-db-instance --db-instance-identifier orders-db-drill-202612020500");
    }

    @Test
    void plan_should_refuseADrill_when_itsNameIsTaken_or_thePrimaryIsUnwell() {
        // a name already in use would be deleted at the drill's end: never
        ordersDb();
        instances.put("orders-db-drill-202612020500", new Topology(Topology.INSTANCE, "orders-db-drill-202612020500",
                "arn:aws:rds:eu-west-1:" + ACCOUNT + ":db:orders-db-drill-202612020500", "eu-west-1", "available", Map.of(), null, List.of()));
        assertThatThrownBy(() -> plan(request().put("mode", "drill"))).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("already exists: a drill deletes only what it made");
        instances.put("orders-db", new Topology(Topology.INSTANCE, "orders-db", "arn:aws:rds:eu-west-1:" + ACCOUNT + ":db:orders-db",
                "eu-west-1", "storage-full", PROTECTED, null, List.of()));
        assertThatThrownBy(() -> plan(request().put("mode", "drill"))).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("is storage-full: a drill copies a healthy primary");
    }
}
