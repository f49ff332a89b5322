package com.drresponder.credentials;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

/**
 * The ClientRequestToken of each RotateSecret the playbook issues: derived from the incident, the secret and the
 * pass, so a retried or re-driven call names the same rotation (Secrets Manager then starts no second one) and
 * the check after a lost response can recognise the version it created.
 */
public final class RotationTokens {
    private RotationTokens() {}

    /** One token per pass (alternating users rotate twice); a name-based UUID, within RotateSecret's 32-64 characters. */
    public static List<String> forIncident(String incidentId, String secretArn, int passes) {
        return IntStream.range(0, passes)
                .mapToObj(pass -> UUID.nameUUIDFromBytes((incidentId + "|" + secretArn + "|" + pass).getBytes(StandardCharsets.UTF_8)).toString())
                .toList();
    }
}
