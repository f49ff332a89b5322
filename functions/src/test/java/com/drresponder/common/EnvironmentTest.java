package com.drresponder.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvironmentTest {
    @Test
    void wholeNumber_should_useFallback_when_unsetOrBlank() {
        assertThat(Environment.wholeNumber(Map.of(), "N", 7, 0)).isEqualTo(7);
        assertThat(Environment.wholeNumber(Map.of("N", " "), "N", 7, 0)).isEqualTo(7);
        assertThat(Environment.wholeNumber(Map.of("N", " 12 "), "N", 7, 0)).isEqualTo(12);
    }

    @Test
    void wholeNumber_should_failNamingTheVariable_when_notANumberOrBelowMinimum() {
        assertThatThrownBy(() -> Environment.wholeNumber(Map.of("BLOCK_HOURS", "soon"), "BLOCK_HOURS", 24, 1))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("BLOCK_HOURS").hasMessageContaining("soon");
        assertThatThrownBy(() -> Environment.wholeNumber(Map.of("BLOCK_HOURS", "0"), "BLOCK_HOURS", 24, 1))
                .hasMessageContaining("BLOCK_HOURS must be a whole number >= 1");
    }

    @Test
    void duration_should_countUnits_when_set() {
        assertThat(Environment.duration(Map.of("W", "90"), "W", ChronoUnit.SECONDS, 600, 1)).isEqualTo(Duration.ofSeconds(90));
        assertThat(Environment.duration(Map.of(), "W", ChronoUnit.MINUTES, 30, 0)).isEqualTo(Duration.ofMinutes(30));
    }

    @Test
    void required_should_failNamingTheVariable_when_missing() {
        assertThatThrownBy(() -> Environment.required(Map.of("LEDGER_TABLE", ""), "LEDGER_TABLE"))
                .hasMessage("environment variable LEDGER_TABLE is required");
        assertThat(Environment.required(Map.of("LEDGER_TABLE", "t"), "LEDGER_TABLE")).isEqualTo("t");
    }
}
