package com.drresponder.router;

import com.drresponder.common.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The deployment's {@code findingActions} (environment {@code FINDING_ACTIONS}, a JSON object written by the stack):
 * GuardDuty finding-type prefix -> the actions to take. The longest matching prefix wins; a type no prefix matches
 * gets no response. Failed-login types ({@code *FailedLogin*}: nothing leaked, and a stream of them must not become
 * a rotation storm) never rotate unless the matching prefix itself names a failed-login type.
 */
public final class FindingActions {
    public static final String NOTIFY = "notify";
    public static final String ROTATE_SECRETS = "rotate-secrets";
    public static final String REVOKE_CREDENTIALS = "revoke-credentials";
    public static final String BLOCK_IP = "block-ip";
    public static final Set<String> ALL = Set.of(NOTIFY, ROTATE_SECRETS, REVOKE_CREDENTIALS, BLOCK_IP);
    private static final String FAILED_LOGIN = "FailedLogin";

    /**
     * Used when the variable is unset: every IAM-user finding contains the key, rotates what the user can read and
     * blocks the caller; a credential-access finding on RDS rotates that database's secrets and blocks the caller;
     * failed logins notify. infra-cdk's {@code DrConfig.defaultFindingActions()} and {@code dr-config.example.json}
     * state the same map (FindingActionsTest pins them together).
     */
    public static final FindingActions DEFAULT = new FindingActions(defaults());

    private final Map<String, List<String>> byPrefix;

    FindingActions(Map<String, List<String>> byPrefix) {
        this.byPrefix = Collections.unmodifiableMap(new LinkedHashMap<>(byPrefix));
    }

    /** Parses {@code FINDING_ACTIONS}; unset or blank means {@link #DEFAULT}; anything malformed fails at init, naming the variable. */
    public static FindingActions fromEnvironment(String value) {
        if (value == null || value.isBlank()) {
            return DEFAULT;
        }
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(value);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("FINDING_ACTIONS must be a JSON object of finding-type prefix -> actions", e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalStateException("FINDING_ACTIONS must be a JSON object of finding-type prefix -> actions");
        }
        Map<String, List<String>> map = new LinkedHashMap<>();
        root.fields().forEachRemaining(e -> {
            if (!e.getValue().isArray() || e.getValue().isEmpty()) {
                throw new IllegalStateException("FINDING_ACTIONS." + e.getKey() + " must be a non-empty list of " + ALL);
            }
            List<String> actions = new java.util.ArrayList<>();
            for (JsonNode a : e.getValue()) {
                if (!a.isTextual() || !ALL.contains(a.asText())) {
                    throw new IllegalStateException("FINDING_ACTIONS." + e.getKey() + ": unknown action " + a + ", expected one of " + ALL);
                }
                actions.add(a.asText());
            }
            map.put(e.getKey(), List.copyOf(actions));
        });
        return new FindingActions(map);
    }

    /** The actions for a finding type; empty when no prefix matches. */
    public Set<String> forType(String type) {
        String match = null;
        for (String prefix : byPrefix.keySet()) {
            if (type.startsWith(prefix) && (match == null || prefix.length() > match.length())) {
                match = prefix;
            }
        }
        if (match == null) {
            return Set.of();
        }
        Set<String> actions = new LinkedHashSet<>(byPrefix.get(match));
        if (type.contains(FAILED_LOGIN) && !match.contains(FAILED_LOGIN)) {
            actions.remove(ROTATE_SECRETS);
        }
        return Collections.unmodifiableSet(actions);
    }

    /** The prefix -> actions map, as configured. */
    public Map<String, List<String>> asMap() {
        return byPrefix;
    }

    private static Map<String, List<String>> defaults() {
        Map<String, List<String>> m = new LinkedHashMap<>();
        List<String> compromisedUser = List.of(REVOKE_CREDENTIALS, ROTATE_SECRETS, BLOCK_IP, NOTIFY);
        // GuardDuty's threat purposes that occur with IAMUser findings (CredentialAccess: is covered below).
        for (String purpose : List.of("DefenseEvasion", "Discovery", "Exfiltration", "Impact", "InitialAccess", "PenTest",
                "Persistence", "Policy", "PrivilegeEscalation", "Recon", "Stealth", "UnauthorizedAccess")) {
            m.put(purpose + ":IAMUser/", compromisedUser);
        }
        m.put("CredentialAccess:", compromisedUser);
        for (String source : List.of("AnomalousBehavior", "MaliciousIPCaller", "TorIPCaller")) {
            m.put("CredentialAccess:RDS/" + source + ".FailedLogin", List.of(NOTIFY));
        }
        return m;
    }
}
