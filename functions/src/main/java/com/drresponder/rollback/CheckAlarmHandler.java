package com.drresponder.rollback;

import com.drresponder.common.JsonStepHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.drresponder.common.AwsClients;
import com.drresponder.common.CannedAws;
import com.drresponder.ledger.DynamoDbLedger;
import com.drresponder.common.Environment;
import com.drresponder.common.Json;
import com.drresponder.common.PollBudget;
import com.drresponder.common.Priming;
import com.drresponder.ledger.Heartbeat;
import com.drresponder.ledger.Lease;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Instant;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;

/**
 * check-alarm: the verify loop of the rollback playbook. Input: {@code alarmName}, {@code deadline}
 * (ISO-8601), {@code incidentId} (whose lease each check renews), {@code turn} (checks made before this one, 0 first) and
 * {@code pollSeconds} (the loop's interval); output: {@code state}, {@code cleared} (back to OK), {@code expired} (deadline
 * passed while not cleared), and the pacing of the next check ({@link PollBudget}): {@code turn}, {@code waitSeconds} and
 * {@code budgetExhausted} (no further check fits the execution's history: the playbook escalates). A missing alarm is an
 * error: verifying against nothing would be a false "Resolved".
 */
public final class CheckAlarmHandler extends JsonStepHandler {
    private final AlarmReader alarms;
    private final Clock clock;
    private final Heartbeat heartbeat;
    private final PollBudget budget;

    public CheckAlarmHandler() {
        this(primed(AwsClients.create(CloudWatchClient.builder())), Clock.systemUTC(), Lease.fromEnvironment(), PollBudget.from(Environment.variables()));
        Priming.invocationPath("check-alarm", CheckAlarmHandler::primingRun);
    }

    /** At init: one check (heartbeat GetItem + UpdateItem, DescribeAlarms) on canned AWS ({@link Priming#invocationPath}). */
    public static void primingRun(CannedAws aws) {
        new CheckAlarmHandler(aws.client(CloudWatchClient.builder()), Clock.systemUTC(),
                new Lease(DynamoDbLedger.canned(aws), Clock.systemUTC(), java.time.Duration.ofMinutes(15)), PollBudget.from(Environment.variables()))
                .prime("{\"incidentId\":\"priming\",\"alarmName\":\"priming\",\"deadline\":\"2000-01-01T00:00:00Z\",\"turn\":0,\"pollSeconds\":60}");
    }

    /** At init: one DescribeAlarms (granted on every alarm) of a name no alarm has, so the first check is warm. */
    static CloudWatchClient primed(CloudWatchClient cloudWatch) {
        Priming.read("CloudWatch", () -> cloudWatch.describeAlarms(b -> b.alarmNames(PRIMING_ALARM)));
        return cloudWatch;
    }

    static final String PRIMING_ALARM = "drresponder-priming-never-an-alarm";

    /** {@code heartbeat}: each check renews the incident's lock (the verify loop may outlast the initial lease). */
    public CheckAlarmHandler(CloudWatchClient cloudWatch, Clock clock, Heartbeat heartbeat, PollBudget budget) {
        this.alarms = new AlarmReader(cloudWatch);
        this.clock = clock;
        this.heartbeat = heartbeat;
        this.budget = budget;
    }

    @Override
    protected Object handle(JsonNode in) {
        heartbeat.renew(Json.text(in, "incidentId"));
        return budget.pace(in, check(Json.text(in, "alarmName"), Json.text(in, "deadline")));
    }

    ObjectNode check(String alarmName, String deadline) {
        if (alarmName == null || deadline == null) {
            throw new IllegalArgumentException("check-alarm needs alarmName and deadline");
        }
        String state = alarms.read(alarmName).state();
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
