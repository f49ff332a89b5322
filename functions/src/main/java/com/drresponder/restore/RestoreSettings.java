package com.drresponder.restore;

import com.drresponder.common.Environment;
import com.drresponder.common.Settings;
import java.util.Map;
import java.util.Set;

/**
 * What the restore playbook's functions read from their environment besides {@link com.drresponder.database.DatabaseTls}
 * (docs/CONTRACTS.md): {@code PROTECTION_TAG_KEY} ({@code dr:protected}), {@code PROTECTED_RESOURCES} and
 * {@value RestorePlanner#WITHOUT_APPROVAL_VARIABLE} for validate-restore; {@value VerifyDatabaseHandler#LOCAL_ADDRESS}
 * for verify-database. The last is local only: the stack never sets it, so in AWS it is null and the copy is reached
 * at the endpoint RDS reports; the local deployment sets it because the emulator's RDS endpoints are no databases.
 */
public record RestoreSettings(String protectionTagKey, Set<String> protectedResources, Set<String> withoutApproval,
                              String localDatabaseAddress) {

    public static RestoreSettings from(Map<String, String> env) {
        return new RestoreSettings(
                Environment.text(env, "PROTECTION_TAG_KEY", "dr:protected"),
                Settings.commaList(env.get("PROTECTED_RESOURCES")),
                Settings.commaList(env.get(RestorePlanner.WITHOUT_APPROVAL_VARIABLE)),
                Environment.text(env, VerifyDatabaseHandler.LOCAL_ADDRESS, null));
    }
}
