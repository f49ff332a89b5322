package com.drresponder.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.drresponder.ledger.Ledger;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TokenBucketTest {
    static final Instant T0 = Instant.parse("2026-12-02T05:00:00Z");
    final TokenBucket bucket = new TokenBucket(5);

    @Test
    void take_should_grantBurstThenRefuse_when_noTimePasses() {
        // GIVEN a fresh bucket of 5 a minute
        Optional<Ledger.Bucket> state = Optional.empty();
        // WHEN six starts arrive at the same instant
        for (int i = 0; i < 5; i++) {
            state = bucket.take(state, T0);
            assertThat(state).as("start %d", i + 1).isPresent();
        }
        // THEN the sixth finds no token
        assertThat(bucket.take(state, T0)).isEmpty();
        assertThat(state.get().version()).isEqualTo(5);
    }

    @Test
    void take_should_grantOneTokenPerTwelveSeconds_when_emptyAtFivePerMinute() {
        // GIVEN an empty bucket
        Optional<Ledger.Bucket> empty = Optional.of(new Ledger.Bucket(0, T0, 7));
        // THEN 11.9 s give no token, 12 s give one, and taking it leaves none
        assertThat(bucket.take(empty, T0.plusMillis(11_900))).isEmpty();
        Optional<Ledger.Bucket> after = bucket.take(empty, T0.plusSeconds(12));
        assertThat(after).get().satisfies(b -> {
            assertThat(b.tokens()).isLessThan(1e-9);
            assertThat(b.refilledAt()).isEqualTo(T0.plusSeconds(12));
            assertThat(b.version()).isEqualTo(8);
        });
    }

    @Test
    void refill_should_stopAtCapacity_when_longIdle() {
        assertThat(bucket.refill(Optional.of(new Ledger.Bucket(1, T0, 1)), T0.plusSeconds(3600)).tokens()).isEqualTo(5.0);
    }

    @Test
    void refill_should_addNothing_when_clockGoesBack() {
        Ledger.Bucket stored = new Ledger.Bucket(0.5, T0, 3);
        assertThat(bucket.refill(Optional.of(stored), T0.minusSeconds(60))).isEqualTo(stored);
    }

    @Test
    void tokenBucket_should_refuse_when_rateBelowOne() {
        assertThatThrownBy(() -> new TokenBucket(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
