package com.drresponder.restore;

import com.drresponder.common.Environment;
import com.drresponder.common.Settings;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Set;

/**
 * What the restore playbook's functions read from their environment besides {@link com.drresponder.database.DatabaseTls}
 * (docs/CONTRACTS.md): {@code PROTECTION_TAG_KEY} ({@code dr:protected}), {@code PROTECTED_RESOURCES},
 * {@value RestorePlanner#WITHOUT_APPROVAL_VARIABLE} and {@value #SNAPSHOT_RETENTION_VARIABLE} (how long the snapshots a
 * restore takes are kept: their {@code dr:expires} tag; config {@code snapshotRetentionDays}) for validate-restore;
 * {@value VerifyDatabaseHandler#LOCAL_ADDRESS} for verify-database. The last is local only: the stack never sets it, so
 * in AWS it is null and the copy is reached at the endpoint RDS reports; the local deployment sets it because the
 * emulator's RDS endpoints are no databases.
 */
public record RestoreSettings(String protectionTagKey, Set<String> protectedResources, Set<String> withoutApproval,
                              String localDatabaseAddress, Duration snapshotRetention) {
    public static final String SNAPSHOT_RETENTION_VARIABLE = "SNAPSHOT_RETENTION_DAYS";
    /** Long enough to look into what went wrong (the stack's default, infra-cdk DrConfig, is the same). */
    public static final Duration DEFAULT_SNAPSHOT_RETENTION = Duration.ofDays(30);

    public static RestoreSettings from(Map<String, String> env) {
        return new RestoreSettings(
                Environment.text(env, "PROTECTION_TAG_KEY", "dr:protected"),
                Settings.commaList(env.get("PROTECTED_RESOURCES")),
                Settings.commaList(env.get(RestorePlanner.WITHOUT_APPROVAL_VARIABLE)),
                Environment.text(env, VerifyDatabaseHandler.LOCAL_ADDRESS, null),
                Environment.duration(env, SNAPSHOT_RETENTION_VARIABLE, ChronoUnit.DAYS, DEFAULT_SNAPSHOT_RETENTION.toDays(), 1));
    }
}
