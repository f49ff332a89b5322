package com.drresponder.guard;

import com.drresponder.ledger.Ledger;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The start guard's decision: a token bucket holding at most {@code perMinute} tokens, refilled continuously at
 * {@code perMinute} a minute; a mutating playbook start takes one. Pure: the stored state comes in, the next goes out.
 */
public record TokenBucket(int perMinute) {
    private static final double MILLIS_PER_MINUTE = Duration.ofMinutes(1).toMillis();

    public TokenBucket {
        if (perMinute < 1) {
            throw new IllegalArgumentException("a start guard needs at least one start a minute, got " + perMinute);
        }
    }

    /** The bucket as of {@code now}: full when none is stored; a clock that went back refills nothing. */
    public Ledger.Bucket refill(Optional<Ledger.Bucket> stored, Instant now) {
        if (stored.isEmpty()) {
            return new Ledger.Bucket(perMinute, now, 0);
        }
        Ledger.Bucket b = stored.get();
        if (!now.isAfter(b.refilledAt())) {
            return b;
        }
        double added = Duration.between(b.refilledAt(), now).toMillis() * perMinute / MILLIS_PER_MINUTE;
        return new Ledger.Bucket(Math.min(perMinute, b.tokens() + added), now, b.version());
    }

    /** The bucket after one start at {@code now}, or empty when there is no whole token to take. */
    public Optional<Ledger.Bucket> take(Optional<Ledger.Bucket> stored, Instant now) {
        Ledger.Bucket refilled = refill(stored, now);
        if (refilled.tokens() < 1) {
            return Optional.empty();
        }
        return Optional.of(new Ledger.Bucket(refilled.tokens() - 1, refilled.refilledAt(), refilled.version() + 1));
    }
}
