package com.drresponder.credentials;

import com.drresponder.incident.TimelineEntry;
import com.drresponder.ledger.Ledger;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * Cooldown per secret and per principal: a recurring finding (GuardDuty re-publishes it as it recurs) or a stream of
 * findings must not re-rotate the same passwords or re-revoke the same sessions each time, an availability attack.
 * The first incident claims each subject in the ledger (a conditional write) for {@code CREDENTIAL_COOLDOWN_MINUTES};
 * another incident inside that time is refused the subject, and the suppression goes on its timeline.
 */
public record Cooldowns(Ledger ledger, Duration period, Clock clock) {
    static final String ACTOR = "respond-to-credential-compromise";
    /** No cooldown: every claim is granted and nothing is written. */
    public static final Cooldowns NONE = new Cooldowns(null, Duration.ZERO, Clock.systemUTC());


    /** Empty when {@code incidentId} may act on {@code subject} (claimed now or earlier); else the incident whose cooldown runs. */
    Optional<Ledger.Cooldown> claim(String subject, String incidentId) {
        if (period.isZero()) {
            return Optional.empty();
        }
        var now = clock.instant();
        Ledger.Cooldown holder = ledger.claimCooldown(subject, incidentId, now, now.plus(period));
        return holder.incidentId().equals(incidentId) ? Optional.empty() : Optional.of(holder);
    }

    /** Puts what the cooldown suppressed on the incident's timeline. */
    void recordSuppressed(String incidentId, String detail) {
        ledger.append(incidentId, TimelineEntry.of(clock.instant(), ACTOR, "Cooldown", "suppressed", detail));
    }
}
