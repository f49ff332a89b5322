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
    void maxTurns_should_keepTheLoopsBelowTheHistoryLimit_when_eachTurnCostsFifteenEvents() {
        // 1,600 turns x 15 events (the restore's event-driven turn) + 1,000 reserved stays under 25,000
        assertThat(PollBudget.MAX_TURNS).isEqualTo(1_600);
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
        assertThat(PollBudget.from(Map.of())).isEqualTo(new PollBudget(Duration.ofSeconds(10), 1_600));
        assertThat(PollBudget.from(Map.of("POLL_FLOOR_SECONDS", "1", "POLL_MAX_TURNS", "3"))).isEqualTo(new PollBudget(Duration.ofSeconds(1), 3));
        assertThatThrownBy(() -> PollBudget.from(Map.of("POLL_MAX_TURNS", "1601"))).hasMessageContaining("history budget");
        assertThatThrownBy(() -> PollBudget.from(Map.of("POLL_FLOOR_SECONDS", "0"))).hasMessageContaining("POLL_FLOOR_SECONDS");
    }

    @Test
    void next_should_startTheBackoffOver_when_aNewLoopSharesTheBudget() {
        // GIVEN a budget of 5 turns shared by two loops; the first made 3 checks
        PollBudget five = new PollBudget(Duration.ofSeconds(10), 5);
        // WHEN the second loop makes its first and second check (turns 4 and 5 of the execution)
        PollBudget.Turn first = five.next(4, 1, Duration.ofSeconds(10));
        PollBudget.Turn second = five.next(5, 2, Duration.ofSeconds(10));
        // THEN its waits start from the interval again, and the shared budget ends it at turn 5
        assertThat(first).isEqualTo(new PollBudget.Turn(4, 10, false));
        assertThat(second).isEqualTo(new PollBudget.Turn(5, 15, true));
        assertThatThrownBy(() -> five.next(2, 3, Duration.ofSeconds(10))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void pace_should_addTheNextTurnToTheOutput_when_givenTheCheckInput() {
        // GIVEN a check input: 3 checks so far, 2 of them before this loop, a 20 s interval
        com.fasterxml.jackson.databind.node.ObjectNode in = Json.object().put("turn", 3).put("loopFrom", 2).put("pollSeconds", 20);
        // WHEN paced
        com.fasterxml.jackson.databind.node.ObjectNode out = new PollBudget(Duration.ofSeconds(10), 4).pace(in, Json.object().put("ready", false));
        // THEN turn 4 of the budget, the loop's second: 20 x 1.5, and the last turn the budget allows
        assertThat(out.toString()).isEqualTo("{\"ready\":false,\"turn\":4,\"waitSeconds\":30,\"budgetExhausted\":true}");
        // AND a first check without any pacing input counts from 0, at the floor
        assertThat(budget.pace(Json.object(), Json.object()).toString()).isEqualTo("{\"turn\":1,\"waitSeconds\":10,\"budgetExhausted\":false}");
    }
}
