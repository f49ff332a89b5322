package com.drresponder.credentials;

import com.drresponder.catalog.Catalog;
import com.drresponder.common.Environment;
import com.drresponder.common.Settings;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the credential playbook's functions read from their environment (docs/CONTRACTS.md). resolve-credential-targets:
 * {@code PROTECTION_TAG_KEY} ({@code dr:protected}), {@code PROTECTED_RESOURCES}, {@code CREDENTIAL_COOLDOWN_MINUTES}
 * (30; 0 = off); merge-ip-set: {@code BLOCK_HOURS} (24), {@code WAF_SAFELIST}, {@code WAF_MAX_BLOCKS_PER_INCIDENT}
 * (50); check-rotation: {@code ROTATION_MAX_CHECKS} (60, at most {@link Catalog#MAX_ROTATION_CHECKS}). Each is set by the stack
 * from the deployment config (infra-cdk/README.md). The ledger table comes from {@link Settings}.
 */
public record CredentialSettings(String protectionTagKey, Set<String> protectedResources, Duration cooldown,
                                 Duration blockFor, List<String> wafSafelist, int maxBlocksPerIncident, int rotationMaxChecks) {

    public static CredentialSettings from(Map<String, String> env) {
        return new CredentialSettings(
                Environment.text(env, "PROTECTION_TAG_KEY", "dr:protected"),
                Settings.commaList(env.get("PROTECTED_RESOURCES")),
                Environment.duration(env, "CREDENTIAL_COOLDOWN_MINUTES", ChronoUnit.MINUTES, 30, 0),
                Environment.duration(env, "BLOCK_HOURS", ChronoUnit.HOURS, 24, 1),
                List.copyOf(Settings.commaList(env.get("WAF_SAFELIST"))),
                (int) Environment.wholeNumber(env, "WAF_MAX_BLOCKS_PER_INCIDENT", 50, 1),
                rotationMaxChecks(env));
    }

    /** At most {@link Catalog#MAX_ROTATION_CHECKS}: the playbook's TimeoutSeconds is sized for that many. */
    private static int rotationMaxChecks(Map<String, String> env) {
        long n = Environment.wholeNumber(env, "ROTATION_MAX_CHECKS", 60, 1);
        if (n > Catalog.MAX_ROTATION_CHECKS) {
            throw new IllegalStateException("ROTATION_MAX_CHECKS must be a whole number from 1 to " + Catalog.MAX_ROTATION_CHECKS
                    + " (the playbook's timeout is sized for that), got \"" + env.get("ROTATION_MAX_CHECKS") + "\"");
        }
        return (int) n;
    }
}
