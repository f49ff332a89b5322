package com.drresponder.failover;

import static org.assertj.core.api.Assertions.assertThat;

import com.drresponder.common.Json;
import com.drresponder.playbook.FailoverRequest;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Aurora Global Database candidates (issue 17): a secondary cluster in another Region is chosen over lag, health,
 * Region (the deployment's failoverRegions) and its own protection; how it takes over follows the primary's health
 * and the request, and a data-losing way always waits for a person. An in-memory inventory (no AWS).
 */
class GlobalFailoverPlannerTest {
    static final String ACCOUNT = "123456789012";
    static final Duration RPO = Duration.ofMinutes(5);
    static final Map<String, String> PROTECTED = Map.of("dr:protected", "true");
    static final String PRIMARY_ARN = "arn:aws:rds:us-east-1:" + ACCOUNT + ":cluster:orders-db";

    Topology primary;
    final FailoverInventory inventory = new FailoverInventory() {
        @Override
        public Optional<Topology> instance(String id) {
            return Optional.empty();
        }

        @Override
        public Optional<Topology> cluster(String id) {
            return Optional.ofNullable(primary).filter(p -> p.id().equals(id));
        }
    };

    FailoverPlan plan(ObjectNode request, Set<String> withoutApproval) {
        FailoverRegions regions = new FailoverRegions("us-east-1", Set.of("us-west-2"), null, null);
        return new FailoverPlanner(inventory, Set.of("*"), "dr:protected", withoutApproval,
                Clock.fixed(Instant.parse("2026-12-02T05:00:00Z"), ZoneOffset.UTC), regions)
                .plan(FailoverRequest.parse(request), "inc-1", RPO);
    }

    static Topology.Candidate secondary(String id, String region, String status, Map<String, String> tags, Double lag) {
        return new Topology.Candidate(id, "arn:aws:rds:" + region + ":" + ACCOUNT + ":cluster:" + id, region, status, tags, lag, null, true);
    }

    static Topology.Candidate reader(String id, String status, Double lag) {
        return new Topology.Candidate(id, "arn:aws:rds:us-east-1:" + ACCOUNT + ":db:" + id, "us-east-1", status, Map.of(), lag);
    }

    void ordersDb(String status, Topology.Candidate... candidates) {
        primary = new Topology(Topology.CLUSTER, "orders-db", PRIMARY_ARN, "us-east-1", status, PROTECTED, "orders-db-1",
                List.of(candidates), "orders-global");
    }

    static ObjectNode request() {
        return Json.object().put("clusterId", "orders-db");
    }

    /** The usual estate: a reader that is down, the protected secondary, an unprotected twin and one in a Region not allowed. */
    void estate(String primaryStatus) {
        ordersDb(primaryStatus, reader("orders-db-2", "failed", 0.01),
                secondary("orders-db-west", "us-west-2", "available", PROTECTED, 1.5),
                secondary("orders-db-twin", "us-west-2", "available", Map.of(), 0.2),
                secondary("orders-db-eu", "eu-west-1", "available", PROTECTED, 0.1));
    }

    @Test
    void plan_should_switchOverToTheProtectedSecondary_when_thePrimaryIsHealthy() {
        // GIVEN the primary available, its reader down, and three secondaries of which one is opted in and in an allowed Region
        estate("available");
        // WHEN the failover is planned
        FailoverPlan plan = plan(request(), Set.of());
        // THEN the protected secondary takes over by switchover (no data loss); the twin and the other Region are never chosen
        assertThat(plan.refused()).isFalse();
        assertThat(plan.chosen().candidate().id()).isEqualTo("orders-db-west");
        assertThat(plan.action()).isEqualTo(FailoverPlan.GLOBAL_SWITCHOVER);
        ObjectNode state = plan.toStateJson();
        assertThat(state.get("global").asBoolean()).isTrue();
        assertThat(state.get("dataLoss").asBoolean()).isFalse();
        assertThat(state.get("dataLossSeconds").asDouble()).isZero();
        assertThat(state.get("candidateRegion").asText()).isEqualTo("us-west-2");
        assertThat(state.get("globalClusterId").asText()).isEqualTo("orders-global");
        assertThat(plan.summary()).startsWith("Switch Aurora Global Database orders-global over from primary orders-db (us-east-1) to secondary "
                + "orders-db-west (us-west-2): planned, no data loss");
        assertThat(FailoverPlanner.reasons(plan.assessed())).contains(
                "orders-db-twin: not chosen, secondary of global database orders-global in us-west-2, not tagged dr:protected=true: only opted-in secondaries take over",
                "orders-db-eu: not chosen, secondary of global database orders-global in eu-west-1, not one of the deployment's Regions (config failoverRegions)",
                "orders-db-2: not chosen, its status is failed, not available");
        // AND the failback switches back to the old primary, asked in the secondary's Region
        assertThat(plan.failback()).contains("aws rds switchover-global-cluster --region us-west-2 --global-cluster-identifier orders-global "
                + "--target-db-cluster-identifier " + PRIMARY_ARN);
    }

    @Test
    void plan_should_failOverWithDataLoss_and_alwaysAskAPerson_when_thePrimaryIsDown() {
        // GIVEN the primary failed, and a deployment that lets orders-db recover without approval
        estate("failed");
        // WHEN the failover is planned
        FailoverPlan plan = plan(request(), Set.of(PRIMARY_ARN));
        // THEN the secondary takes over by failover with data loss, which a person must approve with data loss allowed
        assertThat(plan.action()).isEqualTo(FailoverPlan.GLOBAL_FAILOVER);
        assertThat(plan.approvalRequired()).isTrue();
        ObjectNode state = plan.toStateJson();
        assertThat(state.get("dataLoss").asBoolean()).isTrue();
        assertThat(state.get("dataLossSeconds").asDouble()).isEqualTo(1.5);
        assertThat(state.get("asking").asText()).contains("lag 1.5 s").contains("drctl approve --allow-data-loss");
    }

    @Test
    void plan_should_takeOnlyASecondary_when_theRequestAsksToDetach() {
        // GIVEN a healthy reader with less lag than the secondary
        ordersDb("available", reader("orders-db-2", "available", 0.01), secondary("orders-db-west", "us-west-2", "available", PROTECTED, 1.5));
        // WHEN the request asks to detach and promote
        FailoverPlan plan = plan(request().put("globalAction", "detach"), Set.of());
        // THEN the secondary is detached (data loss: approval), the reader is not a candidate for it
        assertThat(plan.action()).isEqualTo(FailoverPlan.GLOBAL_DETACH);
        assertThat(plan.chosen().candidate().id()).isEqualTo("orders-db-west");
        assertThat(plan.approvalRequired()).isTrue();
        assertThat(FailoverPlanner.reasons(plan.assessed())).anyMatch(r -> r.startsWith("orders-db-2: not chosen, a reader: globalAction detach"));
        assertThat(plan.failback()).startsWith("Detaching cannot be reversed");
    }

    @Test
    void plan_should_preferAHealthyReader_when_itHasLessLag_and_noGlobalActionIsAsked() {
        ordersDb("available", reader("orders-db-2", "available", 0.01), secondary("orders-db-west", "us-west-2", "available", PROTECTED, 1.5));
        FailoverPlan plan = plan(request(), Set.of());
        assertThat(plan.action()).isEqualTo(FailoverPlan.READER_FAILOVER);
        assertThat(plan.chosen().candidate().id()).isEqualTo("orders-db-2");
    }

    @Test
    void plan_should_refuseASwitchover_when_thePrimaryIsNotAvailable() {
        estate("failed");
        FailoverPlan plan = plan(request().put("globalAction", "switchover"), Set.of());
        assertThat(plan.refused()).isTrue();
        assertThat(plan.refusal()).contains("a switchover needs a healthy primary, and orders-db is failed");
        assertThat(plan.toStateJson().get("global").asBoolean()).isFalse();
    }

    @Test
    void plan_should_refuseTheSecondary_when_itIsUnavailable_overTheRpoTarget_or_namedButUnprotected() {
        ordersDb("available", secondary("orders-db-west", "us-west-2", "available", PROTECTED, 900.0),
                secondary("orders-db-south", "us-west-2", "modifying", PROTECTED, 1.0),
                secondary("orders-db-twin", "us-west-2", "available", Map.of(), 0.2));
        FailoverPlan best = plan(request(), Set.of());
        assertThat(best.refused()).isTrue();
        assertThat(FailoverPlanner.reasons(best.assessed())).contains(
                "orders-db-west: not chosen, secondary of global database orders-global in us-west-2, lag 900 s is over the RPO target of 300 s",
                "orders-db-south: not chosen, secondary of global database orders-global in us-west-2: its status is modifying, not available");
        FailoverPlan named = plan(request().put("to", "orders-db-twin"), Set.of());
        assertThat(named.refused()).isTrue();
        assertThat(named.refusal()).startsWith("orders-db-twin may not replace orders-db: secondary of global database orders-global in us-west-2, not tagged");
    }

    @Test
    void plan_should_neverChooseASecondary_when_theDeploymentAllowsNoOtherRegion() {
        // GIVEN the planner of a deployment without failoverRegions
        estate("available");
        FailoverPlan plan = new FailoverPlanner(inventory, Set.of("*"), "dr:protected", Set.of(), Clock.systemUTC())
                .plan(FailoverRequest.parse(request()), "inc-1", RPO);
        assertThat(plan.refused()).isTrue();
        assertThat(FailoverPlanner.reasons(plan.assessed())).anyMatch(r -> r.startsWith("orders-db-west: not chosen")
                && r.contains("not one of the deployment's Regions"));
    }
}
