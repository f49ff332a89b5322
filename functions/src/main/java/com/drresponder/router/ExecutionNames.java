package com.drresponder.router;

import com.drresponder.admission.ProtectedResource;
import com.drresponder.catalog.Catalog;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Deterministic incident ids, used as Step Functions execution names: the same occurrence always maps
 * to the same name, so a re-delivered event cannot start a second execution. Names are at most 80
 * characters of [A-Za-z0-9-_], readable at a glance: {@code rollback-checkout-api-live-1a2b3c4d5e6f7a8b}.
 */
final class ExecutionNames {
    private ExecutionNames() {}

    static String of(String playbook, ProtectedResource resource, String occurrence) {
        String prefix = Catalog.RESPONDER.find(playbook).map(Catalog.Playbook::shortName).orElse("incident");
        String readable = resource.displayName().replaceAll("[^A-Za-z0-9_-]+", "-");
        if (readable.length() > 40) {
            readable = readable.substring(0, 40);
        }
        return prefix + "-" + readable + "-" + hash(playbook + "|" + resource.lockKey() + "|" + occurrence);
    }

    private static String hash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
