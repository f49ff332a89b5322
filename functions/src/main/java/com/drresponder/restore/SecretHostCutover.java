package com.drresponder.restore;

import com.drresponder.common.Json;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * The {@code host} (and {@code port}) of a Secrets Manager secret's JSON. The new version derives from the
 * recorded one and is written with a token derived from the incident and that version, so a retried write
 * is the same version, not a second one.
 */
final class SecretHostCutover implements ConsumerCutover {
    private final Supplier<SecretsManagerClient> secrets;
    private final String secretId;
    private final String incidentId;

    SecretHostCutover(Supplier<SecretsManagerClient> secrets, String secretId, String incidentId) {
        this.secrets = secrets;
        this.secretId = secretId;
        this.incidentId = incidentId;
    }

    @Override
    public String plan() {
        return current();
    }

    @Override
    public ObjectNode apply(String previousVersion, String endpoint, String port) {
        ObjectNode old = json(secrets.get().getSecretValue(r -> r.secretId(secretId).versionId(previousVersion)).secretString());
        ObjectNode value = old.deepCopy();
        value.put("host", endpoint);
        if (port != null && value.has("port")) {
            value.put("port", value.get("port").isNumber() ? Json.MAPPER.getNodeFactory().numberNode(Integer.parseInt(port))
                    : Json.MAPPER.getNodeFactory().textNode(port));
        }
        String current = current();
        String newVersion;
        if (current.equals(previousVersion)) {
            String token = UUID.nameUUIDFromBytes((incidentId + "/" + secretId + "/" + previousVersion).getBytes(StandardCharsets.UTF_8)).toString();
            newVersion = secrets.get().putSecretValue(r -> r.secretId(secretId).secretString(value.toString()).clientRequestToken(token)).versionId();
        } else if (json(secrets.get().getSecretValue(r -> r.secretId(secretId)).secretString()).equals(value)) {
            newVersion = current; // a retry: our own write is already current
        } else {
            throw new CutoverRefusedException("secret " + secretId + " changed since the cut-over was recorded (current version " + current
                    + ", recorded " + previousVersion + "): not overwriting someone else's value");
        }
        // the old value stays in Secrets Manager as the recorded version: state and timeline name only its id
        return ConfigCutoverHandler.result("secret", secretId, Json.text(old, "host"), endpoint, Json.text(old, "port"), Json.text(value, "port"),
                previousVersion, newVersion, "aws secretsmanager update-secret-version-stage --secret-id " + secretId
                        + " --version-stage AWSCURRENT --move-to-version-id " + previousVersion + " --remove-from-version-id " + newVersion);
    }

    private String current() {
        Map<String, List<String>> stages = secrets.get().describeSecret(r -> r.secretId(secretId)).versionIdsToStages();
        return stages.entrySet().stream().filter(e -> e.getValue().contains("AWSCURRENT")).map(Map.Entry::getKey).findFirst()
                .orElseThrow(() -> new CutoverRefusedException("secret " + secretId + " has no AWSCURRENT version"));
    }

    private ObjectNode json(String secretString) {
        try {
            return (ObjectNode) Json.MAPPER.readTree(secretString);
        } catch (IOException | ClassCastException | NullPointerException e) {
            // never the value or the parser's message (it quotes the value)
            throw new CutoverRefusedException("secret " + secretId + " is not a JSON object with a host");
        }
    }
}
