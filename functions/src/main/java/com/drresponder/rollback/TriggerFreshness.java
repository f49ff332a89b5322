package com.drresponder.rollback;

import com.drresponder.ledger.AliasChange;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Is an alarm's trigger still about the alias as it is now? A delayed or replayed alarm event (Lambda's async queue holds
 * events for hours; archives and DLQ redrives replay them) must not roll back a newer, healthy version. Stale when: the
 * alarm's transition is older than {@code maxAge}; the alarm is no longer in ALARM; or the alias moved after the
 * transition (a change in its history after it, or the version it served then is not the one it serves now).
 * Pure logic; manual requests carry no alarm and are never judged here.
 */
public final class TriggerFreshness {
    private final Duration maxAge;

    public TriggerFreshness(Duration maxAge) {
        this.maxAge = maxAge;
    }

    /**
     * Why the trigger is stale, or empty when it is current.
     *
     * @param transitionedAt when the alarm entered ALARM, as the event says (ISO-8601 or CloudWatch's {@code +0000} form)
     * @param alarmNow       read only when the age allows it (DescribeAlarms)
     * @param history        the alias's recorded changes (any order)
     */
    public Optional<String> staleBecause(String alarmName, String transitionedAt, Instant now, Supplier<AlarmReader.Reading> alarmNow,
            List<AliasChange> history, String currentVersion) {
        Instant at = parse(transitionedAt);
        if (at == null) {
            return Optional.of("alarm " + alarmName + " names no time it entered ALARM (detectedAt \"" + transitionedAt + "\"); not acting on it");
        }
        Duration age = Duration.between(at, now);
        if (age.compareTo(maxAge) > 0) {
            return Optional.of("alarm " + alarmName + " entered ALARM at " + at + ", " + minutes(age) + " ago, longer than the "
                    + minutes(maxAge) + " an alarm event may be acted on (ALARM_MAX_AGE_SECONDS); a delayed or replayed event");
        }
        AlarmReader.Reading reading = alarmNow.get();
        if (!"ALARM".equals(reading.state())) {
            return Optional.of("alarm " + alarmName + " is " + reading.state() + " now (since " + reading.since()
                    + "), no longer in ALARM; nothing to roll back");
        }
        Optional<AliasChange> after = history.stream().filter(c -> c.at().isAfter(at)).max(Comparator.comparing(AliasChange::at));
        if (after.isPresent()) {
            return Optional.of("the alias moved to version " + after.get().version() + " at " + after.get().at() + " (" + after.get().source()
                    + "), after alarm " + alarmName + " entered ALARM at " + at + "; the alarm is about an earlier deployment");
        }
        Optional<AliasChange> servedThen = history.stream().filter(c -> !c.at().isAfter(at)).max(Comparator.comparing(AliasChange::at));
        if (servedThen.isPresent() && !servedThen.get().version().equals(currentVersion)) {
            return Optional.of("the alias served version " + servedThen.get().version() + " when alarm " + alarmName + " entered ALARM at "
                    + at + " and serves " + currentVersion + " now; it moved after the alarm");
        }
        return Optional.empty();
    }

    private static Instant parse(String text) {
        try {
            return text == null ? null : AlarmReader.timestamp(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static String minutes(Duration d) {
        return d.toMinutes() >= 1 ? d.toMinutes() + " min" : d.toSeconds() + " s";
    }
}
