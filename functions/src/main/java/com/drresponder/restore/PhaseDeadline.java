package com.drresponder.restore;

import com.drresponder.common.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * A waited phase's deadline: {@code since} is when the phase began ({@code $$.State.EnteredTime} of the state
 * that armed it), {@code seconds} its allowance from {@code plan.phaseSeconds}. Armed per phase, so an approval
 * that took hours costs the cut-over nothing. Judged here rather than in a Choice: one clock, testable.
 */
public record PhaseDeadline(Instant since, long seconds) {

    /** From a step input's {@code since} and {@code seconds}; none when the step has no deadline. */
    public static PhaseDeadline from(JsonNode event) {
        String since = Json.text(event, "since");
        if (since == null) {
            return null;
        }
        if (!event.path("seconds").canConvertToLong()) {
            throw new IllegalArgumentException("seconds (the phase's allowance) is required with since");
        }
        return new PhaseDeadline(Instant.parse(since), event.get("seconds").asLong());
    }

    public static boolean passed(PhaseDeadline deadline, Instant now) {
        return deadline != null && now.isAfter(deadline.since.plusSeconds(deadline.seconds));
    }
}
