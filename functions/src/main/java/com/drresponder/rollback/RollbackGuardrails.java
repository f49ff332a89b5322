package com.drresponder.rollback;

import java.time.Duration;

/**
 * Limits on automatic rollbacks: a cooldown per alias and a ceiling per hour, so a flapping alarm or
 * a bad deploy pipeline cannot walk an alias down its version list.
 */
public record RollbackGuardrails(Duration cooldown, int maxPerHour) {
    public static RollbackGuardrails fromEnvironment(java.util.Map<String, String> env) {
        return new RollbackGuardrails(Duration.ofMinutes(Long.parseLong(env.getOrDefault("ROLLBACK_COOLDOWN_MINUTES", "30"))),
                Integer.parseInt(env.getOrDefault("MAX_ROLLBACKS_PER_HOUR", "3")));
    }
}
