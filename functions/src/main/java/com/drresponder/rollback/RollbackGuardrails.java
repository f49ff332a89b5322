package com.drresponder.rollback;

import java.time.Duration;

/**
 * Limits on automatic rollbacks: a cooldown per alias and a ceiling per hour, so a flapping alarm or
 * a bad deploy pipeline cannot walk an alias down its version list.
 */
public record RollbackGuardrails(Duration cooldown, int maxPerHour) {
}
