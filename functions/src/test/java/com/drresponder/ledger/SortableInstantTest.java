package com.drresponder.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Sort keys made from instants sort in time order, whatever their fraction. */
class SortableInstantTest {

    @Test
    void of_should_sortAWholeSecondBeforeALaterFraction_when_bothAreKeys() {
        // GIVEN the pair Instant.toString() got wrong: "…:05Z" > "…:05.123Z" as strings
        Instant whole = Instant.parse("2026-12-02T13:00:05Z");
        Instant later = Instant.parse("2026-12-02T13:00:05.123Z");
        assertThat(whole.toString().compareTo(later.toString())).isPositive();
        // WHEN both become keys
        String a = SortableInstant.of(whole);
        String b = SortableInstant.of(later);
        // THEN string order is time order
        assertThat(a).isEqualTo("2026-12-02T13:00:05.000000000Z");
        assertThat(b).isEqualTo("2026-12-02T13:00:05.123000000Z");
        assertThat(a.compareTo(b)).isNegative();
    }

    @Test
    void of_should_keepEveryDigitAndOneWidth_when_precisionVaries() {
        // GIVEN instants with 0, 3, 6 and 9 fraction digits, out of order
        Instant[] times = {Instant.parse("2026-12-02T13:00:05.000001Z"), Instant.parse("2026-12-02T13:00:04.999999999Z"),
                Instant.parse("2026-12-02T13:00:05Z"), Instant.parse("2026-12-02T13:00:05.1Z"), Instant.parse("2026-12-02T13:00:05.000000001Z")};
        // WHEN they become keys
        java.util.List<String> keys = java.util.Arrays.stream(times).map(SortableInstant::of).toList();
        // THEN all have one width, parse back to the same instant, and sort as the instants do
        assertThat(keys).allSatisfy(k -> assertThat(k).hasSize(30));
        assertThat(keys.stream().map(Instant::parse).toList()).containsExactly(times);
        assertThat(keys.stream().sorted().map(Instant::parse).toList())
                .isEqualTo(java.util.Arrays.stream(times).sorted().toList());
    }
}
