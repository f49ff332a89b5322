package com.drresponder.rollback;

import com.drresponder.common.JsonStepHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.drresponder.common.AwsClients;
import com.drresponder.common.Json;
import com.drresponder.common.Priming;
import com.drresponder.ledger.Heartbeat;
import com.drresponder.ledger.Lease;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Instant;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.AlarmType;
import software.amazon.awssdk.services.cloudwatch.model.DescribeAlarmsResponse;

/**
 * check-alarm: the verify loop of the rollback playbook. Input: {@code alarmName}, {@code deadline}
 * (ISO-8601), {@code incidentId} (whose lease each check renews); output: {@code state}, {@code cleared} (back to OK) and {@code expired} (deadline passed
 * while not cleared). A missing alarm is an error: verifying against nothing would be a false "Resolved".
 */
public final class CheckAlarmHandler extends JsonStepHandler {
    private final CloudWatchClient cloudWatch;
    private final Clock clock;
    private final Heartbeat heartbeat;

    public CheckAlarmHandler() {
        this(primed(AwsClients.create(CloudWatchClient.builder())), Clock.systemUTC(), Lease.fromEnvironment());
    }

    /** At init: one DescribeAlarms (granted on every alarm) of a name no alarm has, so the first check is warm. */
    static CloudWatchClient primed(CloudWatchClient cloudWatch) {
        Priming.read("CloudWatch", () -> cloudWatch.describeAlarms(b -> b.alarmNames(PRIMING_ALARM)));
        return cloudWatch;
    }

    static final String PRIMING_ALARM = "drresponder-priming-never-an-alarm";

    /** {@code heartbeat}: each check renews the incident's lock (the verify loop may outlast the initial lease). */
    public CheckAlarmHandler(CloudWatchClient cloudWatch, Clock clock, Heartbeat heartbeat) {
        this.cloudWatch = cloudWatch;
        this.clock = clock;
        this.heartbeat = heartbeat;
    }

    @Override
    protected Object handle(JsonNode in) {
        heartbeat.renew(Json.text(in, "incidentId"));
        return check(Json.text(in, "alarmName"), Json.text(in, "deadline"));
    }

    ObjectNode check(String alarmName, String deadline) {
        if (alarmName == null || deadline == null) {
            throw new IllegalArgumentException("check-alarm needs alarmName and deadline");
        }
        DescribeAlarmsResponse alarms = cloudWatch.describeAlarms(b -> b.alarmNames(alarmName)
                .alarmTypes(AlarmType.METRIC_ALARM, AlarmType.COMPOSITE_ALARM));
        String state = alarms.metricAlarms().stream().map(a -> a.stateValueAsString()).findFirst()
                .or(() -> alarms.compositeAlarms().stream().map(a -> a.stateValueAsString()).findFirst())
                .orElseThrow(() -> new IllegalStateException("alarm " + alarmName + " does not exist"));
        boolean cleared = "OK".equals(state);
        ObjectNode out = Json.object();
        out.put("alarmName", alarmName);
        out.put("state", state);
        out.put("cleared", cleared);
        out.put("expired", !cleared && !clock.instant().isBefore(Instant.parse(deadline)));
        out.put("checkedAt", clock.instant().toString());
        return out;
    }
}
