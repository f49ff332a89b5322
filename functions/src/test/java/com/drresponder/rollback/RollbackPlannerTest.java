package com.drresponder.rollback;

import static org.assertj.core.api.Assertions.assertThat;

import com.drresponder.ledger.AliasChange;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RollbackPlannerTest {
    static final String ALIAS_ARN = "arn:aws:lambda:us-east-1:123456789012:function:checkout-api:live";
    static final Instant NOW = Instant.parse("2026-11-22T03:00:00Z");

    final RollbackPlanner planner = new RollbackPlanner(new RollbackGuardrails(Duration.ofMinutes(30), 3));

    static AliasState alias(String current, List<String> versions) {
        return new AliasState(ALIAS_ARN, current, "rev-1", Map.of(), versions);
    }

    RollbackPlan plan(AliasState state, List<AliasChange> history, Set<String> bad) {
        return planner.plan("checkout-api", "live", state, history, bad, Optional.empty(), Optional.empty(), NOW);
    }

    static AliasChange change(String version, String at, String source) {
        return new AliasChange(ALIAS_ARN, version, Instant.parse(at), source);
    }

    @Test
    void plan_should_chooseVersionBeforeCurrentFromHistory_when_historyIsKnown() {
        // GIVEN deployments 3 -> 6 -> 7 recorded from CloudTrail (4 and 5 never served on this alias)
        List<AliasChange> history = List.of(change("3", "2026-11-20T00:00:00Z", "cloudtrail"),
                change("6", "2026-11-21T00:00:00Z", "cloudtrail"), change("7", "2026-11-22T02:00:00Z", "cloudtrail"));

        // WHEN version 7 misbehaves
        RollbackPlan plan = plan(alias("7", List.of("1", "2", "3", "4", "5", "6", "7")), history, Set.of());

        // THEN the alias goes back to 6, the version it served before, carrying the RevisionId read
        assertThat(plan.action()).isEqualTo("rollback");
        assertThat(plan.toVersion()).isEqualTo("6");
        assertThat(plan.fromVersion()).isEqualTo("7");
        assertThat(plan.badVersion()).isEqualTo("7");
        assertThat(plan.revisionId()).isEqualTo("rev-1");
        assertThat(plan.source()).isEqualTo("history");
    }

    @Test
    void plan_should_fallBackToHighestVersionBelowCurrent_when_noHistory() {
        RollbackPlan plan = plan(alias("7", List.of("1", "2", "5", "7", "9")), List.of(), Set.of());

        assertThat(plan.toVersion()).isEqualTo("5");
        assertThat(plan.source()).isEqualTo("fallback");
    }

    @Test
    void plan_should_skipDeletedVersion_when_historyNamesIt() {
        // GIVEN history says 6 served before 7, but version 6 was deleted since
        List<AliasChange> history = List.of(change("6", "2026-11-21T00:00:00Z", "cloudtrail"), change("7", "2026-11-22T02:00:00Z", "cloudtrail"));

        RollbackPlan plan = plan(alias("7", List.of("1", "2", "3", "4", "5", "7")), history, Set.of());

        assertThat(plan.toVersion()).isEqualTo("5");
    }

    @Test
    void plan_should_neverChooseAVersionRolledBackFrom_when_historyAndFallbackOfferIt() {
        List<AliasChange> history = List.of(change("6", "2026-11-21T00:00:00Z", "cloudtrail"), change("7", "2026-11-22T02:00:00Z", "cloudtrail"));

        RollbackPlan plan = plan(alias("7", List.of("4", "5", "6", "7")), history, Set.of("6", "5"));

        assertThat(plan.toVersion()).isEqualTo("4");
    }

    @Test
    void plan_should_escalate_when_noEarlierVersionExists() {
        RollbackPlan plan = plan(alias("1", List.of("1")), List.of(), Set.of());

        assertThat(plan.action()).isEqualTo("escalate");
        assertThat(plan.toVersion()).isNull();
        assertThat(plan.reason()).contains("no published version below 1");
    }

    @Test
    void plan_should_escalate_when_aliasPointsAtLatestWithoutHistory() {
        RollbackPlan plan = plan(alias("$LATEST", List.of("1", "2")), List.of(), Set.of());

        assertThat(plan.action()).isEqualTo("escalate");
        assertThat(plan.reason()).contains("$LATEST");
    }

    @Test
    void plan_should_usePublishedVersionFromHistory_when_aliasPointsAtLatest() {
        List<AliasChange> history = List.of(change("2", "2026-11-21T00:00:00Z", "cloudtrail"), change("$LATEST", "2026-11-22T02:00:00Z", "cloudtrail"));

        RollbackPlan plan = plan(alias("$LATEST", List.of("1", "2")), history, Set.of());

        assertThat(plan.toVersion()).isEqualTo("2");
    }

    @Test
    void plan_should_sendAllTrafficToPrimary_when_weightedRolloutInProgress() {
        // GIVEN a canary: 90 % on 6, 10 % on 7
        AliasState canary = new AliasState(ALIAS_ARN, "6", "rev-9", Map.of("7", 0.1), List.of("5", "6", "7"));

        RollbackPlan plan = plan(canary, List.of(), Set.of());

        assertThat(plan.action()).isEqualTo("clear-weights");
        assertThat(plan.toVersion()).isEqualTo("6");
        assertThat(plan.badVersion()).isEqualTo("7");
    }

    @Test
    void plan_should_honourRequestedVersion_when_itExists() {
        RollbackPlan plan = planner.plan("checkout-api", "live", alias("7", List.of("3", "6", "7")), List.of(), Set.of(),
                Optional.of("3"), Optional.empty(), NOW);

        assertThat(plan.toVersion()).isEqualTo("3");
        assertThat(plan.source()).isEqualTo("requested");
    }

    @Test
    void plan_should_escalate_when_requestedVersionDoesNotExist() {
        RollbackPlan plan = planner.plan("checkout-api", "live", alias("7", List.of("3", "6", "7")), List.of(), Set.of(),
                Optional.of("4"), Optional.empty(), NOW);

        assertThat(plan.action()).isEqualTo("escalate");
        assertThat(plan.reason()).contains("requested version 4 does not exist");
    }

    @Test
    void plan_should_escalateWithoutTouching_when_aliasChangedBySomeoneElseBeforeReplan() {
        // GIVEN the first plan saw 7, the UpdateAlias hit a RevisionId conflict, and now the alias shows 5
        RollbackPlan plan = planner.plan("checkout-api", "live", alias("5", List.of("4", "5", "6", "7")), List.of(), Set.of(),
                Optional.empty(), Optional.of("7"), NOW);

        assertThat(plan.action()).isEqualTo("escalate");
        assertThat(plan.reason()).contains("changed by someone else");
    }

    @Test
    void plan_should_escalate_when_aliasWasRolledBackWithinCooldown() {
        List<AliasChange> history = List.of(change("6", "2026-11-22T02:50:00Z", "rollback"));

        RollbackPlan plan = plan(alias("7", List.of("5", "6", "7")), history, Set.of());

        assertThat(plan.action()).isEqualTo("escalate");
        assertThat(plan.reason()).startsWith("cooldown");
    }

    @Test
    void plan_should_escalate_when_hourlyRollbackLimitReached() {
        RollbackPlanner strict = new RollbackPlanner(new RollbackGuardrails(Duration.ofMinutes(1), 2));
        List<AliasChange> history = List.of(change("5", "2026-11-22T02:10:00Z", "rollback"), change("6", "2026-11-22T02:40:00Z", "rollback"));

        RollbackPlan plan = strict.plan("checkout-api", "live", alias("7", List.of("4", "5", "6", "7")), history, Set.of(),
                Optional.empty(), Optional.empty(), NOW);

        assertThat(plan.action()).isEqualTo("escalate");
        assertThat(plan.reason()).startsWith("rate limit: 2 automatic rollbacks");
    }

    @Test
    void plan_should_escalate_when_operatorRequestsVersionWithinCooldown() {
        // GIVEN the alias was rolled back 10 minutes ago (cooldown 30 minutes)
        List<AliasChange> history = List.of(change("6", "2026-11-22T02:50:00Z", "rollback"));

        // WHEN a manual request names targetVersion 3
        RollbackPlan plan = planner.plan("checkout-api", "live", alias("6", List.of("3", "6", "7")), history, Set.of(),
                Optional.of("3"), Optional.empty(), NOW);

        // THEN the cooldown holds for it as for an alarm: nothing is rolled back
        assertThat(plan.action()).isEqualTo("escalate");
        assertThat(plan.reason()).startsWith("cooldown");
    }

    @Test
    void plan_should_escalate_when_operatorRequestsVersionBeyondHourlyLimit() {
        RollbackPlanner strict = new RollbackPlanner(new RollbackGuardrails(Duration.ofMinutes(1), 2));
        List<AliasChange> history = List.of(change("5", "2026-11-22T02:10:00Z", "rollback"), change("6", "2026-11-22T02:40:00Z", "rollback"));

        RollbackPlan plan = strict.plan("checkout-api", "live", alias("6", List.of("3", "5", "6")), history, Set.of(),
                Optional.of("3"), Optional.empty(), NOW);

        assertThat(plan.action()).isEqualTo("escalate");
        assertThat(plan.reason()).startsWith("rate limit: 2 automatic rollbacks");
    }

    @Test
    void plan_should_escalate_when_operatorRequestsABadVersion() {
        // GIVEN version 5 was rolled back from earlier (marked bad)
        RollbackPlan plan = planner.plan("checkout-api", "live", alias("7", List.of("5", "6", "7")), List.of(), Set.of("5"),
                Optional.of("5"), Optional.empty(), NOW);

        // THEN the request cannot put it back into service
        assertThat(plan.action()).isEqualTo("escalate");
        assertThat(plan.reason()).isEqualTo("requested version 5 was rolled back from before (a bad version); refusing to point live at it");
    }

    @Test
    void alreadyApplied_should_reportOurChange_when_aliasIsWhereThePreviousPlanPutIt() {
        // GIVEN a plan 3 -> 2 whose UpdateAlias took effect but whose answer was lost (the retry met a new RevisionId)
        RollbackPlan previous = plan(alias("3", List.of("1", "2", "3")), List.of(), Set.of());
        AliasState now = new AliasState(ALIAS_ARN, "2", "rev-2", Map.of(), List.of("1", "2", "3"));

        // WHEN re-planning
        Optional<RollbackPlan> applied = planner.alreadyApplied(previous, now);

        // THEN the change is recognised as ours: recorded 3 -> 2 with the bad version, never a second step back
        assertThat(applied).get().satisfies(p -> {
            assertThat(p.action()).isEqualTo("applied");
            assertThat(p.fromVersion()).isEqualTo("3");
            assertThat(p.toVersion()).isEqualTo("2");
            assertThat(p.badVersion()).isEqualTo("3");
            assertThat(p.revisionId()).isEqualTo("rev-2");
            assertThat(p.reason()).contains("answer was lost");
        });
    }

    @Test
    void alreadyApplied_should_notClaimTheChange_when_aliasIsElsewhere() {
        RollbackPlan previous = plan(alias("3", List.of("1", "2", "3")), List.of(), Set.of());

        assertThat(planner.alreadyApplied(previous, new AliasState(ALIAS_ARN, "1", "rev-2", Map.of(), List.of("1", "2", "3")))).isEmpty();
        assertThat(planner.alreadyApplied(previous, new AliasState(ALIAS_ARN, "2", "rev-2", Map.of("3", 0.1), List.of("1", "2", "3"))))
                .as("weights still set: not the state the plan meant").isEmpty();
        RollbackPlan escalated = RollbackPlan.escalate("checkout-api", "live", ALIAS_ARN, "3", "no target");
        assertThat(planner.alreadyApplied(escalated, alias("3", List.of("3")))).isEmpty();
    }
}
