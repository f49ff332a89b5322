package com.drresponder.common;

import static org.assertj.core.api.Assertions.assertThat;

import com.drresponder.rollback.CheckAlarmHandler;
import com.drresponder.rollback.PlanRollbackHandler;
import com.drresponder.rollback.RecordRollbackHandler;
import com.drresponder.rollback.RollbackSettings;
import com.drresponder.testsupport.AwsEmulator;
import com.drresponder.testsupport.AwsEmulatorTest;
import com.drresponder.timeline.RecordStepHandler;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Each function's priming run ({@link Priming#invocationPath}) goes down its whole invocation path on canned AWS
 * ({@link CannedAws}) and never reaches AWS: with the SDK pointed at the emulator (as a function's own clients would be),
 * the emulator's request log stays empty while the canned client answers every call the path makes.
 */
@AwsEmulatorTest
class InvocationPathPrimingIT {
    private AwsEmulator emulator;

    @BeforeEach
    void pointTheSdkAtTheEmulator(AwsEmulator emulator) {
        this.emulator = emulator;
        emulator.applySdkSystemProperties(); // a client built the function's way (AwsClients) would now reach the emulator
        emulator.clearRequests();
    }

    @Test
    void checkAlarmPriming_should_renewTheLeaseAndReadTheAlarm_onCannedAwsOnly() {
        assertThat(primed("check-alarm", CheckAlarmHandler::primingRun)).containsExactly("GetItem", "UpdateItem", "DescribeAlarms");
    }

    @Test
    void planRollbackPriming_should_planAFreshAlarmsRollback_onCannedAwsOnly() {
        assertThat(primed("plan-rollback", aws -> PlanRollbackHandler.primingRun(RollbackSettings.from(Map.of()), aws)))
                .containsExactly("GetAlias", "ListVersionsByFunction", "Query", "DescribeAlarms", "Query", "ListTags");
    }

    @Test
    void recordRollbackPriming_should_recordAndNotify_onCannedAwsOnly() {
        assertThat(primed("record-rollback", aws -> RecordRollbackHandler.primingRun(RollbackSettings.from(Map.of()), aws)))
                .containsExactly("PutItem", "PutItem", "PutItem", "UpdateItem", "GetItem", "Publish");
    }

    @Test
    void recordStepPriming_should_recordAndNotify_onCannedAwsOnly() {
        assertThat(primed("record-step", aws -> RecordStepHandler.primingRun(Duration.ofMinutes(15), aws)))
                .containsExactly("GetItem", "PutItem", "UpdateItem", "UpdateItem", "Publish"); // the second: the lease's heartbeat
    }

    /** The operations the canned client answered; none reached the emulator. */
    private java.util.List<String> primed(String function, Consumer<CannedAws> run) {
        CannedAws aws = Priming.invocationPath(function, run);
        assertThat(emulator.requests()).as("AWS calls made by the priming run of " + function).isEmpty();
        return aws.answered();
    }
}
