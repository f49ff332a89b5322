package com.drresponder.rollback;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.AlarmType;
import software.amazon.awssdk.services.cloudwatch.model.DescribeAlarmsResponse;

/** One alarm's state now (CloudWatch DescribeAlarms, metric or composite), for planning and the verify loop. */
public final class AlarmReader {
    /** The alarm's state ({@code OK}, {@code ALARM}, {@code INSUFFICIENT_DATA}) and when it entered it. */
    public record Reading(String alarmName, String state, Instant since) {}

    // CloudWatch writes state timestamps as 2024-03-15T10:02:41.321+0000 (no colon in the offset)
    private static final DateTimeFormatter ALARM_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss[.SSS]XX");

    private final CloudWatchClient cloudWatch;

    public AlarmReader(CloudWatchClient cloudWatch) {
        this.cloudWatch = cloudWatch;
    }

    /** @throws IllegalStateException the alarm does not exist: judging against nothing would be a false answer */
    public Reading read(String alarmName) {
        DescribeAlarmsResponse alarms = cloudWatch.describeAlarms(b -> b.alarmNames(alarmName)
                .alarmTypes(AlarmType.METRIC_ALARM, AlarmType.COMPOSITE_ALARM));
        return alarms.metricAlarms().stream().map(a -> new Reading(alarmName, a.stateValueAsString(), a.stateUpdatedTimestamp())).findFirst()
                .or(() -> alarms.compositeAlarms().stream().map(a -> new Reading(alarmName, a.stateValueAsString(), a.stateUpdatedTimestamp())).findFirst())
                .orElseThrow(() -> new IllegalStateException("alarm " + alarmName + " does not exist"));
    }

    /**
     * An alarm event's state timestamp, in CloudWatch's form or ISO-8601.
     *
     * @throws DateTimeParseException neither
     */
    public static Instant timestamp(String text) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException notIso) {
            return ALARM_TIME.parse(text, Instant::from);
        }
    }
}
