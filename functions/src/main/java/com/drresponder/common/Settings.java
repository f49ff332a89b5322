package com.drresponder.common;

import com.drresponder.catalog.Catalog;
import com.drresponder.router.FindingActions;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Function configuration, read once from environment variables (set by the CDK stack) and validated,
 * so a misconfiguration fails at init with a message naming the variable, not mid-incident.
 */
public record Settings(
        String ledgerTable,
        String topicArn,
        Mode mode,
        String protectionTagKey,
        Set<String> protectedResources,
        double guardDutyMinSeverity,
        FindingActions findingActions,
        Map<String, String> stateMachineArns,
        java.time.Duration lockTtl,
        Set<String> autoRestoreEventIds) {

    public enum Mode { ENFORCE, DRY_RUN }

    public static final String DRY_RUN_TAG_KEY = "dr:dry-run";

    public static Settings fromEnvironment() {
        return from(Environment.variables());
    }

    public static Settings from(Map<String, String> env) {
        return new Settings(
                Environment.required(env, "LEDGER_TABLE"),
                Environment.required(env, "TOPIC_ARN"),
                mode(env.getOrDefault("DR_MODE", "dry-run")),
                env.getOrDefault("PROTECTION_TAG_KEY", "dr:protected"),
                commaList(env.get("PROTECTED_RESOURCES")),
                number(env, "GUARDDUTY_MIN_SEVERITY", 7.0),
                FindingActions.fromEnvironment(env.get("FINDING_ACTIONS")),
                stateMachines(env),
                lockTtl(env),
                commaList(env.get("AUTO_RESTORE_EVENT_IDS")));
    }

    /** The lock lease when no deployment configures one: 2 h, renewed by the playbook's steps while it runs. */
    public static final java.time.Duration DEFAULT_LOCK_TTL = java.time.Duration.ofHours(2);

    /** {@code LOCK_TTL_SECONDS}: how long a resource lock outlives the last heartbeat of its playbook (at least 1 s). */
    private static java.time.Duration lockTtl(Map<String, String> env) {
        double seconds = number(env, "LOCK_TTL_SECONDS", DEFAULT_LOCK_TTL.toSeconds());
        if (seconds < 1 || seconds != Math.floor(seconds)) {
            throw new IllegalStateException("LOCK_TTL_SECONDS must be a whole number of seconds >= 1, got \"" + env.get("LOCK_TTL_SECONDS") + "\"");
        }
        return java.time.Duration.ofSeconds((long) seconds);
    }

    public boolean dryRun() {
        return mode == Mode.DRY_RUN;
    }

    /** ARN of a playbook's state machine, or a clear error when the stack did not configure it. */
    public String stateMachineArn(String playbook) {
        String arn = stateMachineArns.get(playbook);
        if (arn == null || arn.isBlank()) {
            throw new IllegalStateException("no state machine configured for playbook " + playbook
                    + " (set " + envVarForPlaybook(playbook) + ")");
        }
        return arn;
    }

    /** The router's variable for a catalog playbook's state machine ARN. */
    public static String envVarForPlaybook(String playbook) {
        return Catalog.RESPONDER.playbook(playbook).stateMachineEnvVar();
    }

    private static Map<String, String> stateMachines(Map<String, String> env) {
        return Catalog.RESPONDER.playbooks().stream()
                .filter(p -> env.get(p.stateMachineEnvVar()) != null)
                .collect(Collectors.toUnmodifiableMap(Catalog.Playbook::name, p -> env.get(p.stateMachineEnvVar())));
    }

    private static Mode mode(String value) {
        return switch (value.trim().toLowerCase()) {
            case "enforce" -> Mode.ENFORCE;
            case "dry-run" -> Mode.DRY_RUN;
            default -> throw new IllegalStateException("DR_MODE must be \"enforce\" or \"dry-run\", got \"" + value + "\"");
        };
    }

    private static double number(Map<String, String> env, String name, double fallback) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalStateException(name + " must be a number, got \"" + value + "\"", e);
        }
    }

    /** A comma-separated variable as a set (blank entries dropped); empty when unset. */
    public static Set<String> commaList(String value) {
        if (value == null || value.isBlank()) {
            return Set.of();
        }
        return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
    }
}
