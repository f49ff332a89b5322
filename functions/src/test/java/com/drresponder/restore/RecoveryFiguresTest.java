package com.drresponder.restore;

import static org.assertj.core.api.Assertions.assertThat;

import com.drresponder.incident.TimelineEntry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecoveryFiguresTest {
    static final Instant DETECTED = Instant.parse("2026-11-22T03:00:00Z");
    static final Duration HOUR = Duration.ofHours(1);
    static final Duration FIVE_MINUTES = Duration.ofMinutes(5);

    @Test
    void of_should_measureRtoFromDetection_and_reportApprovalWaitApart() {
        // GIVEN detected at 03:00, planned 03:01 with the newest restorable point at 03:00:40, approval asked 03:20, given 03:35, done 03:50
        List<TimelineEntry> timeline = List.of(entry("03:20:00", "Approval requested"), entry("03:35:00", "Approval"), entry("03:40:00", "Cut-over: rename"));
        // WHEN the figures are taken, the source unreadable before the switch
        RecoveryFigures f = RecoveryFigures.of(DETECTED, timeline, at("03:50:00"), at("03:01:00"), at("03:00:40"), false,
                new LostWriteWindow.Reading(false, null, "the source could not be read (Connection refused)"), HOUR, FIVE_MINUTES);
        // THEN RTO counts from detection, the approval wait is apart, RPO is the lag at planning,
        // and the lost-write window is the time bound (restore point to cut-over), labelled as such with the reason
        assertThat(f.rto()).isEqualTo(Duration.ofMinutes(50));
        assertThat(f.approvalWait()).isEqualTo(Duration.ofMinutes(15));
        assertThat(f.rpo()).isEqualTo(Duration.ofSeconds(20));
        assertThat(f.lostWrites().window()).isEqualTo(Duration.ofSeconds(49 * 60 + 20));
        assertThat(f.lostWrites().measured()).isFalse();
        assertThat(f.lostWrites().basis()).isEqualTo("time-bound");
        assertThat(f.rtoMet()).isTrue();
        assertThat(f.summary()).startsWith("RTO 3000 s from detection (target 3600 s, met), of which 900 s waiting for approval; RPO 20 s")
                .endsWith("; lost-write window at most 2960 s (restore point to cut-over; not measured: the source could not be read (Connection refused))");
    }

    @Test
    void of_should_reportTheMeasuredLostWriteWindow_when_theDataWasRead() {
        // GIVEN the source's newest write was 75 s ahead of the copy's just before the switch
        LostWriteWindow.Reading read = new LostWriteWindow.Reading(true, 75L, "orders.updated_at: source newest a, copy newest b");
        // WHEN the figures are taken
        RecoveryFigures f = RecoveryFigures.of(DETECTED, List.of(), at("03:50:00"), at("03:01:00"), at("03:00:40"), false, read, HOUR, FIVE_MINUTES);
        // THEN the window is the measured one, not the 2960 s time bound, and says so
        assertThat(f.lostWrites().window()).isEqualTo(Duration.ofSeconds(75));
        assertThat(f.lostWrites().basis()).isEqualTo("measured");
        assertThat(f.summary()).endsWith("; lost-write window 75 s, measured before the switch (orders.updated_at: source newest a, copy newest b)");
    }

    @Test
    void of_should_fallBackToTheTimeBound_when_nothingWasRead() {
        RecoveryFigures f = RecoveryFigures.of(DETECTED, List.of(), at("03:50:00"), at("03:01:00"), at("03:00:40"), false, null, HOUR, FIVE_MINUTES);
        assertThat(f.lostWrites().window()).isEqualTo(Duration.ofSeconds(2960));
        assertThat(f.lostWrites().measured()).isFalse();
        assertThat(f.summary()).endsWith("not measured: nothing was read before the switch)");
    }

    @Test
    void of_should_takeDrillRpoFromTheLagAtStart_and_haveNoLostWrites() {
        // GIVEN a drill planned at 03:00:30 whose newest restorable point was 03:00:00 (the lag of RDS's log shipping)
        RecoveryFigures f = RecoveryFigures.of(DETECTED, List.of(), at("03:25:00"), at("03:00:30"), at("03:00:00"), true, null, HOUR, FIVE_MINUTES);
        // THEN RPO is that lag, not the drill's duration, and it is met
        assertThat(f.rpo()).isEqualTo(Duration.ofSeconds(30));
        assertThat(f.rpoMet()).isTrue();
        assertThat(f.approvalWait()).isZero();
        assertThat(f.lostWrites()).isNull();
        assertThat(f.summary()).doesNotContain("lost-write");
    }

    @Test
    void failover_should_measureRtoFromDetection_and_takeRpoFromTheLagAtPlanning() {
        // GIVEN a failover detected at 03:00, approval asked 03:02 and given 03:07, consumers moved by 03:10, the replica 2.5 s behind
        List<TimelineEntry> timeline = List.of(entry("03:02:00", "Approval requested"), entry("03:07:00", "Approval"));
        RecoveryFigures f = RecoveryFigures.failover(DETECTED, timeline, at("03:10:00"), Duration.ofSeconds(3), HOUR, FIVE_MINUTES);
        // THEN RTO counts from detection with the wait apart, RPO is the lag, and a failover has no lost-write window of its own
        assertThat(f.rto()).isEqualTo(Duration.ofMinutes(10));
        assertThat(f.approvalWait()).isEqualTo(Duration.ofMinutes(5));
        assertThat(f.rpo()).isEqualTo(Duration.ofSeconds(3));
        assertThat(f.lostWrites()).isNull();
        assertThat(f.summary()).isEqualTo("RTO 600 s from detection (target 3600 s, met), of which 300 s waiting for approval; "
                + "RPO 3 s: the promoted replica's lag when the failover was planned (target 300 s, met)");
    }

    @Test
    void failover_should_reportRpoUnknown_and_notMet_when_thereWasNoLagFigure() {
        RecoveryFigures f = RecoveryFigures.failover(DETECTED, List.of(), at("03:10:00"), null, HOUR, FIVE_MINUTES);
        assertThat(f.rpo()).isNull();
        assertThat(f.rpoMet()).isFalse();
        assertThat(f.summary()).endsWith("of which 0 s waiting for approval; RPO unknown (no lag figure at planning)");
    }

    static TimelineEntry entry(String time, String action) {
        return TimelineEntry.of(at(time), "restore-database-to-point-in-time", action, "succeeded", "");
    }

    static Instant at(String time) {
        return Instant.parse("2026-11-22T" + time + "Z");
    }
}
