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
 * start, what a real restore would lose); for a real restore also the lost-write window's upper bound,
 * restore point to cut-over (writes the source took after the restore point are not in the copy). RPO, a
 * failover: the promoted replica's lag as read at planning, {@code null} when there was no figure (unknown, never zero).
 */
record RecoveryFigures(Duration rto, Duration approvalWait, Duration rpo, String rpoMeaning, Duration lostWriteWindow, Duration rtoTarget,
                       Duration rpoTarget) {
    static final String APPROVAL_REQUESTED = "Approval requested";
    static final String APPROVAL_ANSWERED = "Approval";

    static RecoveryFigures of(Instant detectedAt, List<TimelineEntry> timeline, Instant completedAt, Instant plannedAt, Instant restoreTime,
                              boolean drill, Duration rtoTarget, Duration rpoTarget) {
        return new RecoveryFigures(nonNegative(Duration.between(detectedAt, completedAt)), approvalWait(timeline, completedAt),
                nonNegative(Duration.between(restoreTime, plannedAt)), "the restore point lagged the start by that much",
                drill ? null : nonNegative(Duration.between(restoreTime, completedAt)), rtoTarget, rpoTarget);
    }

    /** A failover: RPO is the promoted replica's lag at planning ({@code null}: unknown); no lost-write window of its own. */
    static RecoveryFigures failover(Instant detectedAt, List<TimelineEntry> timeline, Instant completedAt, Duration lagAtPlanning,
                                    Duration rtoTarget, Duration rpoTarget) {
        return new RecoveryFigures(nonNegative(Duration.between(detectedAt, completedAt)), approvalWait(timeline, completedAt),
                lagAtPlanning, "the promoted replica's lag when the failover was planned", null, rtoTarget, rpoTarget);
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
        return lostWriteWindow == null ? text : text + "; writes the source took in the " + lostWriteWindow.toSeconds()
                + " s from the restore point to the cut-over are not in the copy";
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
