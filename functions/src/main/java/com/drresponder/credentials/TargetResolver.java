package com.drresponder.credentials;

import com.drresponder.common.Json;
import com.drresponder.ledger.Ledger;
import com.drresponder.playbook.CredentialResponseRequest;
import com.drresponder.playbook.InvalidRequestException;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

/**
 * Turns the playbook input (a routed GuardDuty finding, or a manual request naming secrets by id or tag) into
 * the secrets to rotate and the containment to apply. Only secrets tagged {@code <protection key>=true} and
 * named in the allow-list are acted on (the router's rule, applied to each member of the set); every other
 * candidate is listed as skipped with its reason. Reads only, except the {@link Cooldowns} it claims (not in a dry
 * run): a secret or principal another incident acted on within the cooldown is left alone, with the reason.
 *
 * @param allowList PROTECTED_RESOURCES (secret ARNs, or {@code *}); a secret must be tagged AND listed
 * @param iamUsers  what else a compromised IAM user can sign in with, listed in the plan with a recommendation
 */
public record TargetResolver(SecretCatalog catalog, String protectionTagKey, Set<String> allowList, Clock clock, Cooldowns cooldowns,
                             IamUserCredentials iamUsers) {
    static final String PRINCIPAL_TAG = "dr:principal";
    static final String DATABASE_TAG = "dr:database";
    static final String REVOKE_POLICY = "DrResponderRevokeOlderSessions";
    private static final int MAX_POLICY_NAME = 128;

    /**
     * The inline policy one incident puts on a principal: its own name, so its undo (delete that policy) lifts only this
     * incident's deny, never another incident's or an operator's (the IAM console's own is {@code AWSRevokeOlderSessions}).
     */
    static String revokePolicyName(String incidentId) {
        String name = REVOKE_POLICY + "-" + incidentId.replaceAll("[^\\w+=,.@-]", "-");
        return name.length() > MAX_POLICY_NAME ? name.substring(0, MAX_POLICY_NAME) : name;
    }
    private static final Set<String> SEVERITIES = Set.of("P1", "P2", "P3", "P4");

    public CredentialTargets resolve(JsonNode input) {
        Map<String, SecretCatalog.SecretInfo> candidates = new LinkedHashMap<>();
        List<CredentialTargets.Skipped> skipped = new ArrayList<>();
        String subject;
        Set<String> actions = actions(input);
        if (input.has("secretIds") || input.has("tag")) {
            CredentialResponseRequest request = CredentialResponseRequest.parse(input);
            if (request.tag() != null) {
                String[] kv = request.tag().split("=", 2);
                catalog.withTag(kv[0], kv[1]).forEach(s -> candidates.putIfAbsent(s.arn(), s));
                subject = "tag:" + request.tag();
            } else {
                for (String id : request.secretIds()) {
                    catalog.describe(id).ifPresentOrElse(s -> candidates.putIfAbsent(s.arn(), s),
                            () -> skipped.add(new CredentialTargets.Skipped(id, "no such secret")));
                }
                subject = "secrets:" + String.join(",", request.secretIds());
            }
        } else if (input.hasNonNull("principal") && actions.contains("rotate-principal-secrets")) {
            String user = Json.text(input.get("principal"), "userName");
            catalog.withTag(PRINCIPAL_TAG, user).forEach(s -> candidates.putIfAbsent(s.arn(), s));
            subject = Json.text(input.get("principal"), "arn");
        } else if (input.hasNonNull("database") && actions.contains("rotate-database-secrets")) {
            JsonNode db = input.get("database");
            databaseSecrets(Json.text(db, "clusterId"), Json.text(db, "instanceId")).forEach(s -> candidates.putIfAbsent(s.arn(), s));
            subject = Json.text(db, "arn");
        } else if (input.hasNonNull("principal") || input.hasNonNull("database")) {
            subject = Json.text(input.path("principal").isMissingNode() ? input.get("database") : input.get("principal"), "arn");
        } else {
            throw new InvalidRequestException("secretIds", "give secretIds (a list), tag (key=value), or a routed GuardDuty finding");
        }
        String incidentId = Json.text(input, "incidentId");
        if (incidentId == null) {
            throw new InvalidRequestException("incidentId", "is required (the router and the first step always set it)");
        }
        boolean dryRun = input.path("dryRun").asBoolean(false);
        List<String> suppressed = new ArrayList<>();
        List<CredentialTargets.Target> targets = new ArrayList<>();
        for (SecretCatalog.SecretInfo s : candidates.values()) {
            Optional<Ledger.Cooldown> cooldown = Optional.empty();
            if (!"true".equals(s.tags().get(protectionTagKey))) {
                skipped.add(new CredentialTargets.Skipped(s.name(), "not tagged " + protectionTagKey + "=true"));
            } else if (!allowList.contains("*") && !allowList.contains(s.arn())) {
                skipped.add(new CredentialTargets.Skipped(s.name(), "not in the allow-list (PROTECTED_RESOURCES)"));
            } else if (!dryRun && (cooldown = cooldowns.claim("secret:" + s.arn(), incidentId)).isPresent()) {
                String reason = cooldownReason("rotated", cooldown.get());
                skipped.add(new CredentialTargets.Skipped(s.name(), reason));
                suppressed.add("rotation of " + s.name() + " (" + reason + ")");
            } else if (s.managedByRds()) {
                targets.add(target(incidentId, s, "managed", null));
            } else if (s.rotationLambdaArn() == null || s.rotationLambdaArn().isBlank()) {
                skipped.add(new CredentialTargets.Skipped(s.name(), "no rotation function configured"));
            } else {
                targets.add(target(incidentId, s, "function", s.rotationLambdaArn()));
            }
        }
        List<String> notes = new ArrayList<>();
        CredentialTargets.Containment containment = containment(input, actions, notes, dryRun ? null : incidentId, suppressed);
        if (!suppressed.isEmpty()) {
            cooldowns.recordSuppressed(incidentId, "Suppressed by cooldown: " + String.join("; ", suppressed));
        }
        String lockKey = input.hasNonNull("lockKey") ? input.get("lockKey").asText() : "credentials:" + subject;
        String severity = Json.text(input, "severity");
        String summary = "Credential response for " + subject + (input.hasNonNull("reason") ? ": " + Json.text(input, "reason") : "");
        return new CredentialTargets(lockKey, severity != null && SEVERITIES.contains(severity) ? severity : "P2", summary,
                List.copyOf(targets), List.copyOf(skipped), containment,
                containment == null ? "none" : containment.summary(), List.copyOf(notes), plan(targets, skipped, containment, notes),
                whatIsNext(input, actions));
    }

    /**
     * What a person does when nothing could be acted on (the notification's "what is next"). A finding configured to notify
     * only (failed logins by default: nothing leaked) is not a mistake to fix but a decision to make.
     */
    static String whatIsNext(JsonNode input, Set<String> actions) {
        String type = Json.text(input, "findingType");
        if (type == null || !actions.isEmpty()) {
            return "Check the secret names or tags and their dr:protected tag, then run the response again.";
        }
        JsonNode db = input.path("database");
        String where = db.isObject() ? " on " + Optional.ofNullable(Json.text(db, "clusterId")).orElse(Json.text(db, "instanceId"))
                + (Json.text(db, "user") == null ? "" : " for database user " + Json.text(db, "user")) : "";
        String what = type.contains("FailedLogin") ? "Failed logins" + where + " were reported: nothing leaked, so nothing was rotated"
                : "GuardDuty " + type + where + " was reported";
        return what + " (findingActions for this type: notify only). Next: look at the source addresses in the GuardDuty finding "
                + Json.text(input, "findingId") + ". If a login may have succeeded or the password may be guessable, rotate that"
                + " database's secrets by hand (drctl respond --secret <name>); if the addresses are hostile, block them (WAF,"
                + " security groups). To have the responder act on this type, configure findingActions.";
    }

    /**
     * Records the versions live now (they must be dead afterwards) and plans one rotation per user: alternating
     * users rotate twice, so the user that is AWSPREVIOUS now gets a new password too.
     */
    private CredentialTargets.Target target(String incidentId, SecretCatalog.SecretInfo s, String kind, String rotationFunctionArn) {
        SecretCatalog.StartState start = catalog.startState(s.arn());
        int passes = start.alternatingUsers() ? 2 : 1;
        return new CredentialTargets.Target(incidentId, s.arn(), s.name(), kind, rotationFunctionArn, RotationTokens.forIncident(incidentId, s.arn(), passes),
                new CredentialTargets.StartVersions(start.currentVersionId(), start.previousVersionId()));
    }

    private List<SecretCatalog.SecretInfo> databaseSecrets(String clusterId, String instanceId) {
        Map<String, SecretCatalog.SecretInfo> found = new LinkedHashMap<>();
        for (String id : new String[] {clusterId, instanceId}) {
            if (id != null) {
                catalog.withTag(DATABASE_TAG, id).forEach(s -> found.putIfAbsent(s.arn(), s));
            }
        }
        // Protected secrets without the tag still count when their host is this cluster's or instance's endpoint.
        for (SecretCatalog.SecretInfo s : catalog.withTag(protectionTagKey, "true")) {
            if (!found.containsKey(s.arn()) && !s.tags().containsKey(DATABASE_TAG)
                    && catalog.host(s.arn()).filter(h -> hostMatches(h, clusterId, instanceId)).isPresent()) {
                found.put(s.arn(), s);
            }
        }
        return List.copyOf(found.values());
    }

    static boolean hostMatches(String host, String clusterId, String instanceId) {
        String h = host.toLowerCase();
        return (clusterId != null && (h.startsWith(clusterId.toLowerCase() + ".cluster-") || h.startsWith(clusterId.toLowerCase() + ".cluster-ro-")))
                || (instanceId != null && h.startsWith(instanceId.toLowerCase() + "."));
    }

    private static String cooldownReason(String what, Ledger.Cooldown held) {
        return "cooldown: " + what + " by incident " + held.incidentId() + ", again after " + held.until().truncatedTo(ChronoUnit.SECONDS);
    }

    /**
     * {@code incidentId}: claims the principal's cooldown for revoking its sessions (null in a dry run). Deactivating
     * a key is never suppressed: it is idempotent, costs the owner nothing new, and a new finding may name a new key.
     */
    private CredentialTargets.Containment containment(JsonNode input, Set<String> actions, List<String> notes, String incidentId,
                                                      List<String> suppressed) {
        CredentialTargets.AccessKey key = null;
        CredentialTargets.Sessions userSessions = null;
        CredentialTargets.Sessions roleSessions = null;
        JsonNode principal = input.get("principal");
        if (actions.contains("deactivate-access-key") && principal != null) {
            String user = Json.text(principal, "userName");
            String keyId = Json.text(principal, "accessKeyId");
            String type = Json.text(principal, "userType");
            boolean isUser = "IAMUser".equals(type) && keyId != null;
            boolean isRole = "AssumedRole".equals(type) || "Role".equals(type);
            if (isUser || isRole) {
                // Sessions issued before now die: a role's temporary keys, and a user's GetSessionToken/GetFederationToken
                // sessions, which outlive the deactivated key until they expire.
                Optional<Ledger.Cooldown> held = incidentId == null ? Optional.empty()
                        : cooldowns.claim("principal:" + Json.text(principal, "arn"), incidentId);
                String what = (isUser ? "IAM user " : "role ") + user;
                if (held.isPresent()) {
                    // revoking again would cut the sessions started since the last incident, for nothing new
                    String reason = cooldownReason("revoked", held.get());
                    notes.add("sessions of " + what + " not revoked again: " + reason);
                    suppressed.add("revoking the sessions of " + what + " (" + reason + ")");
                } else {
                    String issuedBefore = clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
                    String policyName = revokePolicyName(Json.text(input, "incidentId"));
                    CredentialTargets.Sessions sessions = new CredentialTargets.Sessions(user, policyName, revokePolicy(issuedBefore), issuedBefore,
                            "aws iam delete-" + (isUser ? "user" : "role") + "-policy --" + (isUser ? "user" : "role") + "-name " + user
                                    + " --policy-name " + policyName);
                    if (isUser) {
                        userSessions = sessions;
                    } else {
                        roleSessions = sessions;
                    }
                }
            }
            if (isUser) {
                key = accessKey(user, keyId, userSessions);
                notes.addAll(otherUserCredentials(user, keyId));
                notes.add(assumedRoleSessions(user, keyId));
            } else if (!isRole) {
                notes.add("access key of " + user + " not deactivated: principal type " + type + " has no key IAM can deactivate");
            }
        }
        List<String> cidrs = new ArrayList<>();
        if (actions.contains("block-ips") && input.has("blockIps")) {
            for (JsonNode ip : input.get("blockIps")) {
                try {
                    cidrs.add(ip.asText() + (Cidr.literal(ip.asText()).length == 16 ? "/128" : "/32"));
                } catch (IllegalArgumentException e) {
                    notes.add("not blocked: " + ip.asText() + " is not an IPv4 or IPv6 address");
                }
            }
        }
        if (key == null && roleSessions == null && cidrs.isEmpty()) {
            return null;
        }
        List<String> parts = new ArrayList<>();
        if (key != null) {
            parts.add("deactivate access key " + key.accessKeyId() + " of IAM user " + key.userName());
        }
        if (userSessions != null) {
            parts.add("deny sessions of IAM user " + userSessions.name() + " issued before " + userSessions.issuedBefore());
        }
        if (roleSessions != null) {
            parts.add("revoke sessions of role " + roleSessions.name() + " issued before " + roleSessions.issuedBefore());
        }
        if (!cidrs.isEmpty()) {
            parts.add("block " + String.join(", ", cidrs) + " in the WAF IP set");
        }
        return new CredentialTargets.Containment(key, userSessions, roleSessions, cidrs.isEmpty() ? null : List.copyOf(cidrs),
                String.join("; ", parts));
    }

    /** The user's containment with its write-ahead text and one undo for all of it (the key, and the session deny if any). */
    private static CredentialTargets.AccessKey accessKey(String user, String keyId, CredentialTargets.Sessions sessions) {
        String reactivate = "aws iam update-access-key --user-name " + user + " --access-key-id " + keyId + " --status Active";
        String denied = sessions == null ? "" : "; sessions issued before " + sessions.issuedBefore() + " denied (inline policy " + sessions.policyName() + ")";
        return new CredentialTargets.AccessKey(user, keyId,
                "Deactivating access key " + keyId + " of IAM user " + user + (sessions == null ? "" : " and denying its sessions issued before "
                        + sessions.issuedBefore()),
                sessions == null ? reactivate : reactivate + " && " + sessions.undo(),
                "Access key " + keyId + " of IAM user " + user + " set Inactive" + denied);
    }

    /** The user's other ways in, each with what to do about it; the responder leaves them to a person (they may be in use). */
    private List<String> otherUserCredentials(String user, String compromisedKeyId) {
        List<String> notes = new ArrayList<>();
        List<String> otherActive = iamUsers.accessKeys(user).stream()
                .filter(k -> !k.accessKeyId().equals(compromisedKeyId) && "Active".equals(k.status()))
                .map(IamUserCredentials.AccessKeyInfo::accessKeyId).toList();
        if (!otherActive.isEmpty()) {
            notes.add("IAM user " + user + " has other active access key(s) " + String.join(", ", otherActive)
                    + ": recommended, if they may be exposed too, deactivate them (aws iam update-access-key --user-name " + user
                    + " --access-key-id <id> --status Inactive) and issue new ones");
        }
        if (iamUsers.hasConsolePassword(user)) {
            // worded without "password:", which the ledger's redaction would mask
            notes.add("IAM user " + user + " can sign in to the console (login profile): recommended, force a new one"
                    + " (aws iam update-login-profile --user-name " + user + " --password-reset-required) or remove it"
                    + " (aws iam delete-login-profile --user-name " + user + ")");
        }
        return notes;
    }

    /**
     * What the user's deny cannot reach: a role session obtained with the key (sts:AssumeRole) is evaluated against the
     * role's policies only, never the caller's, and the responder cannot see which roles were assumed (that is in CloudTrail,
     * which it does not read). GetSessionToken and GetFederationToken sessions are covered: they carry the user's policies.
     */
    static String assumedRoleSessions(String user, String keyId) {
        return "sessions of roles assumed with access key " + keyId + " are not covered by the deny on IAM user " + user
                + " (a role session carries the role's permissions, not the user's): recommended, find them"
                + " (aws cloudtrail lookup-events --lookup-attributes AttributeKey=AccessKeyId,AttributeValue=" + keyId
                + ", event AssumeRole) and revoke each role's sessions issued before now (the IAM console's Revoke active sessions on the role)";
    }

    static String revokePolicy(String issuedBefore) {
        return Json.write(Map.of("Version", "2012-10-17", "Statement", List.of(Map.of("Effect", "Deny", "Action", "*",
                "Resource", "*", "Condition", Map.of("DateLessThan", Map.of("aws:TokenIssueTime", issuedBefore))))));
    }

    private static Set<String> actions(JsonNode input) {
        JsonNode actions = input.get("actions");
        if (actions == null || !actions.isArray()) {
            return Set.of();
        }
        return StreamSupport.stream(actions.spliterator(), false).map(JsonNode::asText).collect(Collectors.toSet());
    }

    private static String plan(List<CredentialTargets.Target> targets, List<CredentialTargets.Skipped> skipped,
                               CredentialTargets.Containment containment, List<String> notes) {
        StringBuilder b = new StringBuilder();
        b.append("Rotate ").append(targets.size()).append(" secret(s)");
        if (!targets.isEmpty()) {
            b.append(": ").append(targets.stream().map(t -> t.name() + ("managed".equals(t.kind()) ? " (RDS-managed)" : ""))
                    .collect(Collectors.joining(", ")));
        }
        b.append(". ");
        b.append(containment == null ? "No containment." : "Containment: " + containment.summary() + ".");
        if (!skipped.isEmpty()) {
            b.append(" Skipped: ").append(skipped.stream().map(s -> s.secret() + " (" + s.reason() + ")").collect(Collectors.joining(", "))).append('.');
        }
        if (!notes.isEmpty()) {
            b.append(" Notes: ").append(String.join("; ", notes)).append('.');
        }
        return b.toString();
    }
}
