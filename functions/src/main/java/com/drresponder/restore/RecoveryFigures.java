package com.drresponder.restore;

import com.drresponder.incident.TimelineEntry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A restore's recovery figures, from times recorded as they happened (nothing here reads a clock):
 * RTO from the incident's detection (its opening in the ledger) to the database being usable again,
 * with the time spent waiting for a person's approval reported apart; RPO as how far the restore point
 * lagged when the restore was planned (for a drill restoring "latest": LatestRestorableTime's lag at the
 * start, what a real restore would lose); for a real restore also the lost-write window's upper bound,
 * restore point to cut-over (writes the source took after the restore point are not in the copy).
 */
record RecoveryFigures(Duration rto, Duration approvalWait, Duration rpo, Duration lostWriteWindow, Duration rtoTarget, Duration rpoTarget) {
    static final String APPROVAL_REQUESTED = "Approval requested";
    static final String APPROVAL_ANSWERED = "Approval";

    static RecoveryFigures of(Instant detectedAt, List<TimelineEntry> timeline, Instant completedAt, Instant plannedAt, Instant restoreTime,
                              boolean drill, Duration rtoTarget, Duration rpoTarget) {
        return new RecoveryFigures(nonNegative(Duration.between(detectedAt, completedAt)), approvalWait(timeline, completedAt),
                nonNegative(Duration.between(restoreTime, plannedAt)), drill ? null : nonNegative(Duration.between(restoreTime, completedAt)),
                rtoTarget, rpoTarget);
    }

    boolean rtoMet() {
        return rto.compareTo(rtoTarget) <= 0;
    }

    boolean rpoMet() {
        return rpo.compareTo(rpoTarget) <= 0;
    }

    String summary() {
        String text = "RTO " + rto.toSeconds() + " s from detection (target " + rtoTarget.toSeconds() + " s, " + (rtoMet() ? "met" : "MISSED")
                + "), of which " + approvalWait.toSeconds() + " s waiting for approval; RPO " + rpo.toSeconds()
                + " s: the restore point lagged the start by that much (target " + rpoTarget.toSeconds() + " s, " + (rpoMet() ? "met" : "MISSED") + ")";
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
