package com.drresponder.restore;

import com.drresponder.incident.TimelineEntry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A recovery's figures, from times recorded as they happened (nothing here reads a clock):
 * RTO from the incident's detection (its opening in the ledger) to the database being usable again,
 * with the time spent waiting for a person's approval reported apart. RPO, a restore: how far the restore
 * point lagged when the restore was planned (for a drill restoring "latest": LatestRestorableTime's lag at the
 * start, what a real restore would lose). A real restore also has a lost-write window ({@link LostWrites}): as
 * measured from the data just before the switch ({@link LostWriteWindow}), or, when that could not be read, its
 * time-based upper bound, restore point to cut-over, labelled as such. RPO, a failover: the promoted replica's lag
 * as read at planning, {@code null} when there was no figure (unknown, never zero).
 */
record RecoveryFigures(Duration rto, Duration approvalWait, Duration rpo, String rpoMeaning, LostWrites lostWrites, Duration rtoTarget,
                       Duration rpoTarget) {
    static final String APPROVAL_REQUESTED = "Approval requested";
    static final String APPROVAL_ANSWERED = "Approval";

    /**
     * Writes the source took that the copy lacks. {@code measured}: read from the data ({@code detail} says what was
     * read); otherwise {@code window} is the time-based upper bound and {@code detail} says why nothing was measured.
     */
    record LostWrites(Duration window, boolean measured, String detail) {
        String basis() {
            return measured ? "measured" : "time-bound";
        }

        String summary() {
            return measured
                    ? "lost-write window " + window.toSeconds() + " s, measured before the switch (" + detail + ")"
                    : "lost-write window at most " + window.toSeconds() + " s (restore point to cut-over; not measured: " + detail + ")";
        }
    }

    /** A restore; {@code reading}: the lost-write window read before the switch (null: none was read). */
    static RecoveryFigures of(Instant detectedAt, List<TimelineEntry> timeline, Instant completedAt, Instant plannedAt, Instant restoreTime,
                              boolean drill, LostWriteWindow.Reading reading, Duration rtoTarget, Duration rpoTarget) {
        return new RecoveryFigures(nonNegative(Duration.between(detectedAt, completedAt)), approvalWait(timeline, completedAt),
                nonNegative(Duration.between(restoreTime, plannedAt)), "the restore point lagged the start by that much",
                drill ? null : lostWrites(reading, restoreTime, completedAt), rtoTarget, rpoTarget);
    }

    /** A failover: RPO is the promoted replica's lag at planning ({@code null}: unknown); no lost-write window of its own. */
    static RecoveryFigures failover(Instant detectedAt, List<TimelineEntry> timeline, Instant completedAt, Duration lagAtPlanning,
                                    Duration rtoTarget, Duration rpoTarget) {
        return new RecoveryFigures(nonNegative(Duration.between(detectedAt, completedAt)), approvalWait(timeline, completedAt),
                lagAtPlanning, "the promoted replica's lag when the failover was planned", null, rtoTarget, rpoTarget);
    }

    private static LostWrites lostWrites(LostWriteWindow.Reading reading, Instant restoreTime, Instant completedAt) {
        if (reading != null && reading.measured()) {
            return new LostWrites(Duration.ofSeconds(reading.seconds()), true, reading.detail());
        }
        return new LostWrites(nonNegative(Duration.between(restoreTime, completedAt)), false,
                reading == null ? "nothing was read before the switch" : reading.detail());
    }

    boolean rtoMet() {
        return rto.compareTo(rtoTarget) <= 0;
    }

    /** An unknown RPO is not met. */
    boolean rpoMet() {
        return rpo != null && rpo.compareTo(rpoTarget) <= 0;
    }

    String summary() {
        String text = "RTO " + rto.toSeconds() + " s from detection (target " + rtoTarget.toSeconds() + " s, " + (rtoMet() ? "met" : "MISSED")
                + "), of which " + approvalWait.toSeconds() + " s waiting for approval; "
                + (rpo == null ? "RPO unknown (no lag figure at planning)" : "RPO " + rpo.toSeconds() + " s: " + rpoMeaning
                + " (target " + rpoTarget.toSeconds() + " s, " + (rpoMet() ? "met" : "MISSED") + ")");
        return lostWrites == null ? text : text + "; " + lostWrites.summary();
    }

    /** From the first approval request to its answer (to completion if the timeline has no answer). */
    private static Duration approvalWait(List<TimelineEntry> timeline, Instant completedAt) {
        Instant requested = timeline.stream().filter(e -> e.action().equals(APPROVAL_REQUESTED)).map(TimelineEntry::at).min(Instant::compareTo).orElse(null);
        if (requested == null) {
            return Duration.ZERO;
        }
        Instant answered = timeline.stream().filter(e -> e.action().equals(APPROVAL_ANSWERED) && !e.at().isBefore(requested))
                .map(TimelineEntry::at).min(Instant::compareTo).orElse(completedAt);
        return nonNegative(Duration.between(requested, answered));
    }

    private static Duration nonNegative(Duration d) {
        return d.isNegative() ? Duration.ZERO : d;
    }
}
