package com.drresponder.credentials;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where one secret's rotation stands, and what the playbook does next. Called before the first RotateSecret and
 * after every RotateSecret (answered, failed or lost) and every wait, so the decision always rests on what Secrets
 * Manager holds, never on whether a response arrived:
 * <ul>
 *   <li>our version (this pass's {@link RotationTokens token}) is AWSCURRENT: the pass is done; the next pass,
 *       or {@code done};</li>
 *   <li>our version is AWSPENDING: in flight, {@code wait};</li>
 *   <li>another version is AWSPENDING: a rotation started before ours; {@code wait} for it, then rotate anyway
 *       (its password was made before the incident); if it never finishes it is stuck: {@code escalate};</li>
 *   <li>no trace of ours and nothing pending: {@code rotate} (again after a failed call, at most
 *       {@value #MAX_ROTATE_CALLS} calls per pass);</li>
 *   <li>scheduled for deletion: {@code escalate}; rotating it would be refused and it is about to stop working anyway,
 *       which a person must decide about.</li>
 * </ul>
 * Never "skipped": every secret ends done or escalated with the reason.
 */
public final class RotationProgress {
    static final int MAX_ROTATE_CALLS = 3;

    private final SecretStore store;
    private final int maxChecks;

    /** {@code maxChecks}: checks (the state machine waits 5 s between them) before a rotation counts as stuck. */
    public RotationProgress(SecretStore store, int maxChecks) {
        this.store = store;
        this.maxChecks = maxChecks;
    }

    public enum State { rotate, wait, done, escalate }

    /** The next step; {@code token} is what RotateSecret must send; {@code checks} and {@code rotateCalls} count this pass. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Status(State state, String token, int pass, int checks, int rotateCalls, String versionId, String reason) {}

    /** {@code item}: the rotation Map's item ({@code secretId}, {@code name}, {@code tokens}, and {@code rotation} from the last check). */
    public Status check(JsonNode item) {
        String secretId = item.path("secretId").asText();
        String name = item.path("name").asText(secretId);
        List<String> tokens = new ArrayList<>();
        item.path("tokens").forEach(t -> tokens.add(t.asText()));
        if (tokens.isEmpty()) {
            throw new IllegalArgumentException("rotation of " + name + " has no tokens");
        }
        JsonNode last = item.path("rotation");
        int pass = last.path("pass").asInt(0);
        int checks = last.path("checks").asInt(0) + 1;
        int rotateCalls = last.path("rotateCalls").asInt(0);
        String lastError = last.path("lastError").path("Error").asText(null);
        String token = tokens.get(pass);

        SecretStore.Description d = store.describe(secretId);
        if (d.deletionScheduled()) {
            return new Status(State.escalate, token, pass, checks, rotateCalls, null,
                    name + " is scheduled for deletion: not rotated; restore it (RestoreSecret) and rotate it, or confirm it is unused");
        }
        List<String> ours = d.versionStages().get(token);
        Optional<String> otherPending = d.versionStages().entrySet().stream()
                .filter(e -> !e.getKey().equals(token) && e.getValue().contains(SecretStore.PENDING) && !e.getValue().contains(SecretStore.CURRENT))
                .map(Map.Entry::getKey).findFirst();
        String passName = tokens.size() > 1 ? " (pass " + (pass + 1) + " of " + tokens.size() + ")" : "";
        if (ours != null && (ours.contains(SecretStore.CURRENT) || ours.contains(SecretStore.PREVIOUS)) && otherPending.isEmpty()) {
            if (pass + 1 < tokens.size()) {
                return new Status(State.rotate, tokens.get(pass + 1), pass + 1, 0, 0, null, null);
            }
            return new Status(State.done, token, pass, checks, rotateCalls, token, null);
        }
        if (ours != null && ours.contains(SecretStore.PENDING)) {
            return checks >= maxChecks
                    ? new Status(State.escalate, token, pass, checks, rotateCalls, null, name + ": the rotation" + passName
                        + " did not finish within " + maxChecks + " checks; AWSPENDING is stuck on version " + token)
                    : new Status(State.wait, token, pass, checks, rotateCalls, null, null);
        }
        if (otherPending.isPresent()) {
            return checks >= maxChecks
                    ? new Status(State.escalate, token, pass, checks, rotateCalls, null, name + ": AWSPENDING is stuck on version "
                        + otherPending.get() + " (a rotation that did not finish within " + maxChecks + " checks); finish or cancel it, then rotate")
                    : new Status(State.wait, token, pass, checks, rotateCalls, null, null);
        }
        if (ours != null) {
            return new Status(State.escalate, token, pass, checks, rotateCalls, null, name + ": version " + token + passName
                    + " lost its staging labels before it became current");
        }
        if (rotateCalls >= MAX_ROTATE_CALLS) {
            return new Status(State.escalate, token, pass, checks, rotateCalls, null, name + ": RotateSecret" + passName + " failed "
                    + rotateCalls + " times" + (lastError == null ? "" : " (last error " + lastError + ")") + " and no rotation started");
        }
        return new Status(State.rotate, token, pass, checks, rotateCalls + 1, null, null);
    }
}
