package com.drresponder.common;

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
 *       {@value #CAP_SECONDS} s (or the loop's interval, if longer): a long wait polls less often as it goes on.</li>
 *   <li>History budget: a Standard workflow fails outside any Catch at {@value #HISTORY_LIMIT} history events; one loop
 *       turn is about {@value #EVENTS_PER_TURN} (Task: entered, scheduled, started, succeeded, exited; Choice and Wait:
 *       entered, exited), and {@value #RESERVED_EVENTS} are kept for everything around the loop (admission, plan, records,
 *       retries, escalation). So a loop gets at most {@link #MAX_TURNS} turns ({@code POLL_MAX_TURNS} may lower it) and
 *       then ends cleanly: its step says {@code budgetExhausted} and the playbook records, escalates and releases its lock.</li>
 * </ul>
 */
public record PollBudget(Duration floor, int maxTurns) {
    public static final int HISTORY_LIMIT = 25_000;
    public static final int EVENTS_PER_TURN = 9;
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

    /** The next turn of a loop that has made {@code turnsSoFar} checks (this one included) at {@code interval}. */
    public Turn next(int turnsSoFar, Duration interval) {
        if (turnsSoFar < 1) {
            throw new IllegalArgumentException("turnsSoFar counts this check too: at least 1, got " + turnsSoFar);
        }
        long base = Math.max(floor.toSeconds(), interval.toSeconds());
        long cap = Math.max(CAP_SECONDS, base);
        double grown = base * Math.pow(BACKOFF, Math.min(turnsSoFar - 1, 64));
        long wait = (long) Math.min(cap, Math.ceil(grown));
        return new Turn(turnsSoFar, wait, turnsSoFar >= maxTurns);
    }

    /** @param turn checks made so far; @param waitSeconds before the next; @param budgetExhausted no next check: end the loop */
    public record Turn(int turn, long waitSeconds, boolean budgetExhausted) {}
}
