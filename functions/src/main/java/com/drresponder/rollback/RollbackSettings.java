package com.drresponder.rollback;

import com.drresponder.common.Environment;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Map;

/**
 * What the rollback playbook's functions read from their environment (docs/CONTRACTS.md):
 * {@code ROLLBACK_COOLDOWN_MINUTES} (30) and {@code MAX_ROLLBACKS_PER_HOUR} (3) for plan-rollback's guardrails,
 * {@code VERIFY_WINDOW_SECONDS} (600) and {@code VERIFY_POLL_SECONDS} (30) for record-rollback's verify loop,
 * {@code LAMBDA_RTO_TARGET_MINUTES} (15, config {@code lambdaRtoTargetMinutes}) for the time from alarm to rollback
 * record-rollback reports as met or missed, {@code ALARM_MAX_AGE_SECONDS} (900, config {@code alarmMaxAgeMinutes}) for how old
 * an alarm's transition may be when plan-rollback acts on it ({@link TriggerFreshness}).
 */
public record RollbackSettings(RollbackGuardrails guardrails, Duration verifyWindow, Duration pollInterval, Duration rtoTarget,
                               Duration alarmMaxAge) {

    public static RollbackSettings from(Map<String, String> env) {
        return new RollbackSettings(
                new RollbackGuardrails(Environment.duration(env, "ROLLBACK_COOLDOWN_MINUTES", ChronoUnit.MINUTES, 30, 0),
                        (int) Environment.wholeNumber(env, "MAX_ROLLBACKS_PER_HOUR", 3, 0)),
                Environment.duration(env, "VERIFY_WINDOW_SECONDS", ChronoUnit.SECONDS, 600, 1),
                Environment.duration(env, "VERIFY_POLL_SECONDS", ChronoUnit.SECONDS, 30, 1),
                Environment.duration(env, "LAMBDA_RTO_TARGET_MINUTES", ChronoUnit.MINUTES, 15, 1),
                Environment.duration(env, "ALARM_MAX_AGE_SECONDS", ChronoUnit.SECONDS, 900, 1));
    }
}
