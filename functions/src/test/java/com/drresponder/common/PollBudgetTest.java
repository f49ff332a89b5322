package com.drresponder.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one pacing rule of every poll loop: floor, backoff up to a cap, and the history budget. */
class PollBudgetTest {
    final PollBudget budget = new PollBudget(Duration.ofSeconds(10), PollBudget.MAX_TURNS);

    @Test
    void maxTurns_should_keepTheLoopBelowTheHistoryLimit_when_eachTurnCostsNineEvents() {
        // 2,666 turns x 9 events + 1,000 reserved stays under 25,000
        assertThat(PollBudget.MAX_TURNS).isEqualTo(2_666);
        assertThat((long) PollBudget.MAX_TURNS * PollBudget.EVENTS_PER_TURN + PollBudget.RESERVED_EVENTS).isLessThanOrEqualTo(PollBudget.HISTORY_LIMIT);
    }

    @Test
    void next_should_neverWaitLessThanTheFloor_when_theLoopAsksForOneSecond() {
        assertThat(budget.next(1, Duration.ofSeconds(1)).waitSeconds()).isEqualTo(10);
    }

    @Test
    void next_should_backOffFromTheIntervalUpToTheCap_when_turnsAccumulate() {
        // 30 s interval: 30, 45, 68, 102, 152, 228, 300, 300...
        assertThat(java.util.stream.IntStream.rangeClosed(1, 8).mapToLong(t -> budget.next(t, Duration.ofSeconds(30)).waitSeconds()))
                .containsExactly(30L, 45L, 68L, 102L, 152L, 228L, 300L, 300L);
    }

    @Test
    void next_should_keepALongerIntervalThanTheCap_when_theLoopAsksForIt() {
        // a restore that polls hourly keeps polling hourly
        assertThat(budget.next(5, Duration.ofHours(1)).waitSeconds()).isEqualTo(3_600);
    }

    @Test
    void next_should_sayTheBudgetIsExhausted_when_theLastAllowedTurnIsReached() {
        PollBudget three = new PollBudget(Duration.ofSeconds(1), 3);
        assertThat(three.next(2, Duration.ofSeconds(1)).budgetExhausted()).isFalse();
        assertThat(three.next(3, Duration.ofSeconds(1)).budgetExhausted()).isTrue();
    }

    @Test
    void from_should_readBothVariablesAndRefuseMoreTurnsThanTheHistoryAllows_when_set() {
        assertThat(PollBudget.from(Map.of())).isEqualTo(new PollBudget(Duration.ofSeconds(10), 2_666));
        assertThat(PollBudget.from(Map.of("POLL_FLOOR_SECONDS", "1", "POLL_MAX_TURNS", "3"))).isEqualTo(new PollBudget(Duration.ofSeconds(1), 3));
        assertThatThrownBy(() -> PollBudget.from(Map.of("POLL_MAX_TURNS", "3000"))).hasMessageContaining("history budget");
        assertThatThrownBy(() -> PollBudget.from(Map.of("POLL_FLOOR_SECONDS", "0"))).hasMessageContaining("POLL_FLOOR_SECONDS");
    }
}
