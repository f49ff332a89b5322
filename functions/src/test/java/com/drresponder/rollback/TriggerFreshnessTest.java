package com.drresponder.rollback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.drresponder.ledger.AliasChange;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** When an alarm's trigger is too stale to roll back on: age, state now, alias moves since the transition. */
class TriggerFreshnessTest {
    static final String ALIAS = "arn:aws:lambda:us-east-1:123456789012:function:checkout-api:live";
    static final String ALARM = "checkout-api-live-errors";
    static final String TRANSITION = "2026-12-02T10:00:00.321+0000"; // CloudWatch's own form
    static final Instant AT = Instant.parse("2026-12-02T10:00:00.321Z");
    static final Instant NOW = AT.plus(Duration.ofMinutes(5));

    final TriggerFreshness freshness = new TriggerFreshness(Duration.ofMinutes(15));

    static Supplier<AlarmReader.Reading> alarm(String state) {
        return () -> new AlarmReader.Reading(ALARM, state, AT);
    }

    @Test
    void staleBecause_should_beEmpty_when_alarmIsRecentStillFiringAndAliasUnmoved() {
        // GIVEN the alias moved to 3 before the alarm, still on 3, the alarm firing, five minutes old
        List<AliasChange> history = List.of(new AliasChange(ALIAS, "3", AT.minusSeconds(600), "cloudtrail"),
                new AliasChange(ALIAS, "2", AT.minusSeconds(6000), "cloudtrail"));
        // WHEN judged
        Optional<String> stale = freshness.staleBecause(ALARM, TRANSITION, NOW, alarm("ALARM"), history, "3");
        // THEN it is current
        assertThat(stale).isEmpty();
    }

    @Test
    void staleBecause_should_nameTheAgeAndNotReadTheAlarm_when_eventIsOlderThanTheLimit() {
        // GIVEN an alarm transition 16 minutes old, with a 15-minute limit
        Instant now = AT.plus(Duration.ofMinutes(16));
        // WHEN judged
        Optional<String> stale = freshness.staleBecause(ALARM, TRANSITION, now, () -> fail("DescribeAlarms is not needed"), List.of(), "3");
        // THEN stale, saying how old and which limit
        assertThat(stale).get().asString().contains("entered ALARM at 2026-12-02T10:00:00.321Z", "16 min ago", "15 min", "ALARM_MAX_AGE_SECONDS");
    }

    @Test
    void staleBecause_should_beEmpty_when_eventIsExactlyAtTheLimit() {
        assertThat(freshness.staleBecause(ALARM, TRANSITION, AT.plus(Duration.ofMinutes(15)), alarm("ALARM"), List.of(), "3")).isEmpty();
    }

    @Test
    void staleBecause_should_sayTheAlarmIsOkNow_when_itClearedSinceTheEvent() {
        Optional<String> stale = freshness.staleBecause(ALARM, TRANSITION, NOW, alarm("OK"), List.of(), "3");
        assertThat(stale).get().asString().contains("alarm " + ALARM + " is OK now", "nothing to roll back");
    }

    @Test
    void staleBecause_should_beStale_when_alarmHasInsufficientData() {
        assertThat(freshness.staleBecause(ALARM, TRANSITION, NOW, alarm("INSUFFICIENT_DATA"), List.of(), "3")).get().asString()
                .contains("INSUFFICIENT_DATA");
    }

    @Test
    void staleBecause_should_nameTheLaterDeployment_when_aliasMovedAfterTheTransition() {
        // GIVEN a deployment of version 4 a minute after the alarm (the alarm is about 3)
        List<AliasChange> history = List.of(new AliasChange(ALIAS, "3", AT.minusSeconds(600), "cloudtrail"),
                new AliasChange(ALIAS, "4", AT.plusSeconds(60), "cloudtrail"));
        // WHEN judged, the alarm still firing (its metric lags)
        Optional<String> stale = freshness.staleBecause(ALARM, TRANSITION, NOW, alarm("ALARM"), history, "4");
        // THEN stale: the alias moved after the alarm
        assertThat(stale).get().asString().contains("moved to version 4 at 2026-12-02T10:01:00.321Z", "after alarm " + ALARM);
    }

    @Test
    void staleBecause_should_beStale_when_historyLagsButTheVersionServedThenIsNotTheCurrentOne() {
        // GIVEN history that knows version 3 served at the alarm; the alias serves 5 now (CloudTrail not yet delivered)
        List<AliasChange> history = List.of(new AliasChange(ALIAS, "3", AT.minusSeconds(600), "cloudtrail"));
        // WHEN judged
        Optional<String> stale = freshness.staleBecause(ALARM, TRANSITION, NOW, alarm("ALARM"), history, "5");
        // THEN stale
        assertThat(stale).get().asString().contains("served version 3", "serves 5 now");
    }

    @Test
    void staleBecause_should_refuse_when_theTransitionTimeIsMissingOrGarbage() {
        assertThat(freshness.staleBecause(ALARM, null, NOW, alarm("ALARM"), List.of(), "3")).get().asString().contains("names no time");
        assertThat(freshness.staleBecause(ALARM, "yesterday", NOW, alarm("ALARM"), List.of(), "3")).get().asString().contains("\"yesterday\"");
    }

    @Test
    void staleBecause_should_acceptIsoTimestamps_when_givenInsteadOfCloudWatchsForm() {
        assertThat(freshness.staleBecause(ALARM, AT.toString(), NOW, alarm("ALARM"), List.of(), "3")).isEmpty();
    }
}
