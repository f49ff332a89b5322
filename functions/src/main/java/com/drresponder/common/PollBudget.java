package com.drresponder.common;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Map;

/**
 * How a playbook's poll loop (check, choice, wait, check again) paces itself, in one place for every loop.
 * <ul>
 *   <li>Floor: no wait shorter than {@code POLL_FLOOR_SECONDS} (default {@value #DEFAULT_FLOOR_SECONDS} s): nothing a
 *       playbook waits for (an alarm's next evaluation, an RDS status, a rotation step) changes faster, and every turn
 *       costs history events and a Lambda call.</li>
 *   <li>Backoff: the wait grows by {@value #BACKOFF} each turn from the loop's own interval, up to
 *       {@value #CAP_SECONDS} s (or the loop's interval, if longer): a long wait polls less often as it goes on. It starts
 *       over with each loop ({@code loopFrom}), also where several loops share one budget.</li>
 *   <li>History budget: a Standard workflow fails outside any Catch at {@value #HISTORY_LIMIT} history events; the
 *       costliest turn of the playbooks' loops is {@value #EVENTS_PER_TURN} events (the restore's: an event-driven wait task
 *       that timed out, 6 (entered, scheduled, started, submitted, timed out, exited); after a failed wait the fallback Wait,
 *       2; the check task, 5; the Choice, 2; check-alarm's Task, Choice and Wait cost 9), and {@value #RESERVED_EVENTS} are
 *       kept for everything around the loops (admission, plan, records, retries, escalation, a compensation). So the loops
 *       of one execution get at most {@link #MAX_TURNS} turns together ({@code POLL_MAX_TURNS} may lower it) and then end
 *       cleanly: the check says {@code budgetExhausted} and the playbook records, escalates (after compensating where it
 *       must) and releases its lock.</li>
 * </ul>
 */
public record PollBudget(Duration floor, int maxTurns) {
    public static final int HISTORY_LIMIT = 25_000;
    public static final int EVENTS_PER_TURN = 15;
    public static final int RESERVED_EVENTS = 1_000;
    public static final int MAX_TURNS = (HISTORY_LIMIT - RESERVED_EVENTS) / EVENTS_PER_TURN;
    public static final long DEFAULT_FLOOR_SECONDS = 10;
    public static final double BACKOFF = 1.5;
    public static final long CAP_SECONDS = 300;
    /** Local deployment only (the stack leaves them unset, so the defaults above hold): the emulator's resources change at once. */
    public static final String FLOOR_VARIABLE = "POLL_FLOOR_SECONDS";
    public static final String TURNS_VARIABLE = "POLL_MAX_TURNS";

    public PollBudget {
        if (maxTurns < 1 || maxTurns > MAX_TURNS) {
            throw new IllegalArgumentException("a poll loop's turns must be 1 to " + MAX_TURNS + " (the history budget), got " + maxTurns);
        }
    }

    /** {@code POLL_FLOOR_SECONDS} and {@code POLL_MAX_TURNS}; the local deployment lowers both (the emulator's resources change at once). */
    public static PollBudget from(Map<String, String> env) {
        return new PollBudget(Environment.duration(env, FLOOR_VARIABLE, ChronoUnit.SECONDS, DEFAULT_FLOOR_SECONDS, 1),
                (int) Environment.wholeNumber(env, TURNS_VARIABLE, MAX_TURNS, 1));
    }

    /**
     * A check's pacing, added to its output {@code out}: {@code turn}, {@code waitSeconds}, {@code budgetExhausted}. From
     * the check's input: {@code turn} (checks made before this one, 0 first; where loops share the budget, all of theirs),
     * {@code loopFrom} (of those, the ones made before this loop began; 0 if absent) and {@code pollSeconds} (the
     * loop's interval; 1 if absent: the floor decides). Every loop's check step calls it: one rule, one place.
     */
    public ObjectNode pace(JsonNode in, ObjectNode out) {
        int turn = in.path("turn").asInt(0) + 1;
        Turn next = next(turn, turn - in.path("loopFrom").asInt(0), Duration.ofSeconds(in.path("pollSeconds").asLong(1)));
        return out.put("turn", next.turn()).put("waitSeconds", next.waitSeconds()).put("budgetExhausted", next.budgetExhausted());
    }

    /** The next turn of a loop that has made {@code turnsSoFar} checks (this one included) at {@code interval}. */
    public Turn next(int turnsSoFar, Duration interval) {
        return next(turnsSoFar, turnsSoFar, interval);
    }

    /**
     * As {@link #next(int, Duration)}, where the budget is shared: {@code turnsSoFar} counts every check against it,
     * {@code loopTurns} (this one included) only this loop's, from which the backoff grows.
     */
    public Turn next(int turnsSoFar, int loopTurns, Duration interval) {
        if (loopTurns < 1 || turnsSoFar < loopTurns) {
            throw new IllegalArgumentException("turns count this check too: loopTurns at least 1 and at most turnsSoFar, got "
                    + loopTurns + " of " + turnsSoFar);
        }
        long base = Math.max(floor.toSeconds(), interval.toSeconds());
        long cap = Math.max(CAP_SECONDS, base);
        double grown = base * Math.pow(BACKOFF, Math.min(loopTurns - 1, 64));
        long wait = (long) Math.min(cap, Math.ceil(grown));
        return new Turn(turnsSoFar, wait, turnsSoFar >= maxTurns);
    }

    /** @param turn checks made so far; @param waitSeconds before the next; @param budgetExhausted no next check: end the loop */
    public record Turn(int turn, long waitSeconds, boolean budgetExhausted) {}
}
