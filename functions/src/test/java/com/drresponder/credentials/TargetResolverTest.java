package com.drresponder.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.drresponder.common.Json;
import com.drresponder.playbook.InvalidRequestException;
import com.drresponder.router.RoutedPlaybookInputs;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TargetResolverTest {
    private final InMemoryCatalog catalog = new InMemoryCatalog();
    private final FakeIamUsers iamUsers = new FakeIamUsers();
    private final TargetResolver resolver = new TargetResolver(catalog, "dr:protected", java.util.Set.of("*"),
            Clock.fixed(Instant.parse("2024-03-15T14:00:00Z"), ZoneOffset.UTC), Cooldowns.NONE, iamUsers);

    /** {@link IamUserCredentials} over a map of users' keys and console passwords. */
    static final class FakeIamUsers implements IamUserCredentials {
        final Map<String, List<AccessKeyInfo>> keys = new LinkedHashMap<>();
        final java.util.Set<String> consolePasswords = new java.util.HashSet<>();

        @Override
        public List<AccessKeyInfo> accessKeys(String userName) {
            return keys.getOrDefault(userName, List.of());
        }

        @Override
        public boolean hasConsolePassword(String userName) {
            return consolePasswords.contains(userName);
        }
    }

    /** {@link SecretCatalog} over a list of secrets and their hosts. */
    static final class InMemoryCatalog implements SecretCatalog {
        final List<SecretInfo> secrets = new ArrayList<>();
        final Map<String, String> hosts = new LinkedHashMap<>();

        void add(String name, Map<String, String> tags, String rotationArn, String host) {
            String arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:" + name;
            secrets.add(new SecretInfo(arn, name, tags, null, rotationArn));
            if (host != null) {
                hosts.put(arn, host);
            }
        }

        @Override
        public Optional<SecretInfo> describe(String secretId) {
            return secrets.stream().filter(s -> s.name().equals(secretId) || s.arn().equals(secretId)).findFirst();
        }

        @Override
        public List<SecretInfo> withTag(String key, String value) {
            return secrets.stream().filter(s -> value.equals(s.tags().get(key))).toList();
        }

        @Override
        public Optional<String> host(String secretId) {
            return Optional.ofNullable(hosts.get(secretId));
        }

        final Map<String, StartState> startStates = new LinkedHashMap<>();

        @Override
        public StartState startState(String secretArn) {
            return startStates.getOrDefault(secretArn, new StartState("v-current", null, false));
        }
    }

    private static final String FN = "arn:aws:lambda:us-east-1:123456789012:function:secret-rotation";

    @Test
    void resolve_should_revokeRoleSessionsBlockIpAndRotatePrincipalSecrets_when_iamSampleFinding() {
        // GIVEN
        catalog.add("orders/api-key", Map.of("dr:protected", "true", "dr:principal", "orders-app-instance-role"), FN, null);
        catalog.add("orders/unprotected", Map.of("dr:principal", "orders-app-instance-role"), FN, null);
        catalog.add("billing/db", Map.of("dr:protected", "true", "dr:principal", "billing-role"), FN, null);
        ObjectNode input = RoutedPlaybookInputs.guardDuty("iam-credential-exfiltration.json", "inc-1", false);
        // WHEN
        CredentialTargets t = resolver.resolve(input);
        // THEN
        assertThat(t.secrets()).extracting(CredentialTargets.Target::name).containsExactly("orders/api-key");
        assertThat(t.skipped()).containsExactly(new CredentialTargets.Skipped("orders/unprotected", "not tagged dr:protected=true"));
        assertThat(t.containment().accessKey()).isNull();
        assertThat(t.containment().roleSessions().name()).isEqualTo("orders-app-instance-role");
        assertThat(t.containment().roleSessions().policyDocument()).contains("\"aws:TokenIssueTime\":\"2024-03-15T14:00:00Z\"");
        assertThat(t.containment().blockCidrs()).containsExactly("198.51.100.23/32");
        assertThat(t.lockKey()).isEqualTo(input.get("lockKey").asText());
    }

    @Test
    void whatIsNext_should_sayWhatAPersonDecides_when_aFailedLoginFindingOnlyNotifies() {
        // GIVEN a failed-login finding routed with the default findingActions (notify only), and a manual request naming nothing
        CredentialTargets failedLogins = resolver.resolve(RoutedPlaybookInputs.guardDuty("rds-failed-login.json", "inc-1", false));
        CredentialTargets manual = resolver.resolve(com.drresponder.common.Json.object().put("incidentId", "inc-2")
                .set("secretIds", com.drresponder.common.Json.MAPPER.createArrayNode().add("no/such")));
        // THEN the failed logins get the decision a person faces, the manual request the fix for its names
        assertThat(failedLogins.actionable()).isFalse();
        assertThat(failedLogins.whatIsNext()).startsWith("Failed logins on orders-db for database user orders_admin were reported: nothing leaked")
                .contains("If a login may have succeeded").contains("drctl respond --secret").contains("configure findingActions");
        assertThat(manual.whatIsNext()).isEqualTo("Check the secret names or tags and their dr:protected tag, then run the response again.");
    }

    @Test
    void resolve_should_giveEachIncidentItsOwnDenyPolicy_when_twoIncidentsRevokeTheSameRole() {
        // GIVEN two incidents on the same role (no cooldown configured)
        CredentialTargets first = resolver.resolve(RoutedPlaybookInputs.guardDuty("iam-credential-exfiltration.json", "inc-1", false));
        CredentialTargets second = resolver.resolve(RoutedPlaybookInputs.guardDuty("iam-credential-exfiltration.json", "inc-2", false));
        // THEN each puts and undoes only its own inline policy: undoing one lifts neither the other's deny nor an operator's
        // (the IAM console's is AWSRevokeOlderSessions)
        assertThat(first.containment().roleSessions().policyName()).isEqualTo("DrResponderRevokeOlderSessions-inc-1");
        assertThat(second.containment().roleSessions().policyName()).isEqualTo("DrResponderRevokeOlderSessions-inc-2");
        assertThat(first.containment().roleSessions().undo())
                .isEqualTo("aws iam delete-role-policy --role-name orders-app-instance-role --policy-name DrResponderRevokeOlderSessions-inc-1");
        // AND a name IAM would refuse cannot come out of an incident id
        assertThat(TargetResolver.revokePolicyName("x".repeat(200) + "/evil")).hasSize(128).matches("[\\w+=,.@-]+");
        assertThat(TargetResolver.revokePolicyName("a/b c")).isEqualTo("DrResponderRevokeOlderSessions-a-b-c");
    }

    @Test
    void resolve_should_skipTaggedSecret_when_itIsNotInTheAllowList() {
        // GIVEN two tagged secrets, only one of them in PROTECTED_RESOURCES
        catalog.add("orders/db", Map.of("dr:protected", "true"), FN, null);
        catalog.add("billing/db", Map.of("dr:protected", "true"), FN, null);
        TargetResolver listed = new TargetResolver(catalog, "dr:protected",
                java.util.Set.of("arn:aws:secretsmanager:us-east-1:123456789012:secret:orders/db"), Clock.systemUTC(), Cooldowns.NONE, iamUsers);
        // WHEN an operator asks for both by id
        CredentialTargets t = listed.resolve(com.drresponder.common.Json.object().put("incidentId", "inc-1")
                .set("secretIds", com.drresponder.common.Json.MAPPER.createArrayNode().add("orders/db").add("billing/db")));
        // THEN the tag alone is not enough: the unlisted secret is skipped with the reason
        assertThat(t.secrets()).extracting(CredentialTargets.Target::name).containsExactly("orders/db");
        assertThat(t.skipped()).containsExactly(new CredentialTargets.Skipped("billing/db", "not in the allow-list (PROTECTED_RESOURCES)"));
    }

    @Test
    void resolve_should_deactivateKeyDenyOlderSessionsAndListOtherWaysIn_when_principalIsIamUser() {
        // GIVEN a user with the finding's key, another active key, an inactive one and a console password
        ObjectNode input = RoutedPlaybookInputs.guardDuty("iam-credential-exfiltration.json", "inc-1", false);
        ((ObjectNode) input.get("principal")).put("userType", "IAMUser").put("userName", "ci").put("accessKeyId", "AKIAIOSFODNN7EXAMPLE")
                .put("arn", "arn:aws:iam::123456789012:user/ci");
        iamUsers.keys.put("ci", List.of(new IamUserCredentials.AccessKeyInfo("AKIAIOSFODNN7EXAMPLE", "Active"),
                new IamUserCredentials.AccessKeyInfo("AKIAOTHERKEY0000000A", "Active"),
                new IamUserCredentials.AccessKeyInfo("AKIAOLDKEY000000000B", "Inactive")));
        iamUsers.consolePasswords.add("ci");
        // WHEN
        CredentialTargets t = resolver.resolve(input);
        // THEN the key is deactivated and the user's sessions issued before now are denied, with one undo for both
        String undo = "aws iam update-access-key --user-name ci --access-key-id AKIAIOSFODNN7EXAMPLE --status Active"
                + " && aws iam delete-user-policy --user-name ci --policy-name DrResponderRevokeOlderSessions-inc-1";
        assertThat(t.containment().accessKey()).isEqualTo(new CredentialTargets.AccessKey("ci", "AKIAIOSFODNN7EXAMPLE",
                "Deactivating access key AKIAIOSFODNN7EXAMPLE of IAM user ci and denying its sessions issued before 2024-03-15T14:00:00Z",
                undo, "Access key AKIAIOSFODNN7EXAMPLE of IAM user ci set Inactive; sessions issued before 2024-03-15T14:00:00Z denied"
                        + " (inline policy DrResponderRevokeOlderSessions-inc-1)"));
        assertThat(t.containment().userSessions().name()).isEqualTo("ci");
        assertThat(t.containment().userSessions().policyDocument()).contains("\"Deny\"").contains("\"aws:TokenIssueTime\":\"2024-03-15T14:00:00Z\"");
        assertThat(t.containment().roleSessions()).isNull();
        // AND the plan names the other active key and the console password, each with a recommendation (the inactive key not)
        assertThat(t.plan()).contains("deny sessions of IAM user ci issued before 2024-03-15T14:00:00Z")
                .contains("IAM user ci has other active access key(s) AKIAOTHERKEY0000000A: recommended")
                .contains("IAM user ci can sign in to the console (login profile): recommended, force a new one").doesNotContain("AKIAOLDKEY000000000B");
        // AND it says what the user's deny cannot reach: sessions of roles assumed with the key, and how to find them
        assertThat(t.plan()).contains("sessions of roles assumed with access key AKIAIOSFODNN7EXAMPLE are not covered by the deny on IAM user ci")
                .contains("AttributeKey=AccessKeyId,AttributeValue=AKIAIOSFODNN7EXAMPLE");
    }

    @Test
    void resolve_should_stillDeactivateTheKey_when_theUsersSessionsAreInCooldown() {
        // GIVEN another incident revoked the user's sessions within the cooldown
        com.drresponder.ledger.InMemoryLedger ledger = new com.drresponder.ledger.InMemoryLedger();
        Clock clock = Clock.fixed(Instant.parse("2024-03-15T14:00:00Z"), ZoneOffset.UTC);
        TargetResolver withCooldown = new TargetResolver(catalog, "dr:protected", java.util.Set.of("*"), clock,
                new Cooldowns(ledger, java.time.Duration.ofMinutes(30), clock), iamUsers);
        java.util.function.Function<String, ObjectNode> finding = incident -> {
            ObjectNode input = RoutedPlaybookInputs.guardDuty("iam-credential-exfiltration.json", incident, false);
            ((ObjectNode) input.get("principal")).put("userType", "IAMUser").put("userName", "ci").put("accessKeyId", "AKIAIOSFODNN7EXAMPLE")
                    .put("arn", "arn:aws:iam::123456789012:user/ci");
            return input;
        };
        withCooldown.resolve(finding.apply("inc-1"));
        // WHEN the finding recurs
        CredentialTargets t = withCooldown.resolve(finding.apply("inc-2"));
        // THEN the key is deactivated again (idempotent), the sessions are not denied again, and the undo is the key's alone
        assertThat(t.containment().accessKey().undo()).isEqualTo("aws iam update-access-key --user-name ci --access-key-id AKIAIOSFODNN7EXAMPLE --status Active");
        assertThat(t.containment().userSessions()).isNull();
        assertThat(t.plan()).contains("sessions of IAM user ci not revoked again: cooldown: revoked by incident inc-1");
    }

    @Test
    void resolve_should_findSecretsByTagOrHost_when_rdsSampleFinding() {
        // GIVEN one secret tagged with the cluster, one whose host is the cluster endpoint, one of another database
        catalog.add("orders/tagged", Map.of("dr:protected", "true", "dr:database", "orders-db"), FN, null);
        catalog.add("orders/by-host", Map.of("dr:protected", "true"), FN, "orders-db.cluster-abc123.us-east-1.rds.amazonaws.com");
        catalog.add("other/db", Map.of("dr:protected", "true"), FN, "other-db.cluster-abc123.us-east-1.rds.amazonaws.com");
        // WHEN
        CredentialTargets t = resolver.resolve(RoutedPlaybookInputs.guardDuty("rds-anomalous-login.json", "inc-2", false));
        // THEN
        assertThat(t.secrets()).extracting(CredentialTargets.Target::name).containsExactly("orders/tagged", "orders/by-host");
        assertThat(t.containment().blockCidrs()).containsExactly("203.0.113.77/32");
        assertThat(t.containment().accessKey()).isNull();
    }

    @Test
    void resolve_should_rotateManagedAndSkipUnrotatable_when_manualSecretIds() {
        // GIVEN
        catalog.secrets.add(new SecretCatalog.SecretInfo("arn:rds-managed", "rds!cluster-1", Map.of("dr:protected", "true"), "rds", null));
        catalog.add("no-rotation", Map.of("dr:protected", "true"), null, null);
        JsonNode input = Json.object().put("incidentId", "inc-9").put("reason", "leak")
                .set("secretIds", Json.MAPPER.valueToTree(List.of("rds!cluster-1", "no-rotation", "missing")));
        // WHEN
        CredentialTargets t = resolver.resolve(input);
        // THEN
        assertThat(t.secrets()).containsExactly(new CredentialTargets.Target("inc-9", "arn:rds-managed", "rds!cluster-1", "managed", null,
                RotationTokens.forIncident("inc-9", "arn:rds-managed", 1), new CredentialTargets.StartVersions("v-current", null)));
        assertThat(t.skipped()).extracting(CredentialTargets.Skipped::reason).containsExactlyInAnyOrder("no such secret", "no rotation function configured");
        assertThat(t.containment()).isNull();
        assertThat(t.containmentSummary()).isEqualTo("none");
        assertThat(t.lockKey()).isEqualTo("credentials:secrets:rds!cluster-1,no-rotation,missing");
        assertThat(t.severity()).isEqualTo("P2");
    }

    @Test
    void resolve_should_planTwoPassesAndRecordLiveVersions_when_secretUsesAlternatingUsers() {
        // GIVEN an alternating-users secret (masterarn) whose previous user is the clone, and a single-user one
        catalog.add("orders/app", Map.of("dr:protected", "true"), FN, null);
        catalog.add("orders/single", Map.of("dr:protected", "true"), FN, null);
        String arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:orders/app";
        catalog.startStates.put(arn, new SecretCatalog.StartState("v2", "v1", true));
        JsonNode input = Json.object().put("incidentId", "inc-7").put("reason", "leak")
                .set("secretIds", Json.MAPPER.valueToTree(List.of("orders/app", "orders/single")));
        // WHEN
        CredentialTargets t = resolver.resolve(input);
        CredentialTargets again = resolver.resolve(input);
        // THEN both users get a new password (two tokens), the live versions are recorded, and a re-run names the same rotations
        CredentialTargets.Target app = t.secrets().get(0);
        assertThat(app.tokens()).hasSize(2).doesNotHaveDuplicates().allSatisfy(token -> assertThat(token).hasSizeBetween(32, 64));
        assertThat(app.startVersions()).isEqualTo(new CredentialTargets.StartVersions("v2", "v1"));
        assertThat(t.secrets().get(1).tokens()).hasSize(1).doesNotContainAnyElementsOf(app.tokens());
        assertThat(again.secrets()).isEqualTo(t.secrets());
        assertThat(RotationTokens.forIncident("inc-8", arn, 2)).doesNotContainAnyElementsOf(app.tokens());
    }

    @Test
    void resolve_should_refuse_when_manualRequestHasEmptySecretIds() {
        JsonNode input = Json.MAPPER.valueToTree(Map.of("secretIds", List.of(), "reason", "x"));
        assertThatThrownBy(() -> resolver.resolve(input)).isInstanceOf(InvalidRequestException.class).hasMessageStartingWith("secretIds:");
    }

    @Test
    void resolve_should_refuse_when_inputNamesNothing() {
        assertThatThrownBy(() -> resolver.resolve(Json.object().put("reason", "x"))).isInstanceOf(InvalidRequestException.class);
    }

    @Test
    void resolve_should_blockIpv6AndNoteTheRest_when_blockIpsMixFamiliesAndGarbage() {
        // GIVEN an IPv6 address, an IPv4 one, and what no finding should carry (a bad octet, a host name: never resolved)
        ObjectNode input = RoutedPlaybookInputs.guardDuty("rds-anomalous-login.json", "inc-3", false);
        input.putArray("blockIps").add("2001:db8::1").add("203.0.113.8").add("10.0.0.300").add("attacker.example.com");
        // WHEN
        CredentialTargets t = resolver.resolve(input);
        // THEN each address gets its host prefix; the others are noted, not blocked
        assertThat(t.containment().blockCidrs()).containsExactly("2001:db8::1/128", "203.0.113.8/32");
        assertThat(t.notes()).containsExactly("not blocked: 10.0.0.300 is not an IPv4 or IPv6 address",
                "not blocked: attacker.example.com is not an IPv4 or IPv6 address");
    }

    @Test
    void hostMatches_should_matchClusterAndInstanceEndpoints_only() {
        assertThat(TargetResolver.hostMatches("orders-db.cluster-ro-x.rds.amazonaws.com", "orders-db", null)).isTrue();
        assertThat(TargetResolver.hostMatches("orders-db-instance-1.x.rds.amazonaws.com", null, "orders-db-instance-1")).isTrue();
        assertThat(TargetResolver.hostMatches("orders-db-2.cluster-x.rds.amazonaws.com", "orders-db", null)).isFalse();
    }

    @Test
    void resolve_should_leaveSecretAndRoleAlone_when_anotherIncidentActedWithinTheCooldown() {
        // GIVEN a 30-minute cooldown, and an incident that already rotated the role's secret and revoked its sessions
        com.drresponder.ledger.InMemoryLedger ledger = new com.drresponder.ledger.InMemoryLedger();
        TargetResolver withCooldown = withCooldownOnRoleSecret(ledger);
        CredentialTargets first = withCooldown.resolve(RoutedPlaybookInputs.guardDuty("iam-credential-exfiltration.json", "inc-1", false));

        // WHEN the finding recurs as a new incident, and the first incident's step is retried
        CredentialTargets repeated = withCooldown.resolve(RoutedPlaybookInputs.guardDuty("iam-credential-exfiltration.json", "inc-2", false));
        CredentialTargets retried = withCooldown.resolve(RoutedPlaybookInputs.guardDuty("iam-credential-exfiltration.json", "inc-1", false));

        // THEN the first incident acts (also on its retry); the repeat rotates nothing and revokes nothing, and says why
        assertThat(first.secrets()).hasSize(1);
        assertThat(first.containment().roleSessions()).isNotNull();
        assertThat(retried.secrets()).hasSize(1);
        assertThat(retried.containment().roleSessions()).isNotNull();
        assertThat(repeated.secrets()).isEmpty();
        assertThat(repeated.skipped()).singleElement().satisfies(sk -> assertThat(sk.reason())
                .isEqualTo("cooldown: rotated by incident inc-1, again after 2024-03-15T14:30:00Z"));
        assertThat(repeated.containment().roleSessions()).isNull();
        assertThat(repeated.plan()).contains("cooldown: rotated by incident inc-1").contains("sessions of role orders-app-instance-role not revoked again");
        // AND the repeat's timeline says what the cooldown suppressed; the first incident's says nothing of the kind
        assertThat(ledger.timeline("inc-2")).singleElement().satisfies(e -> {
            assertThat(e.action()).isEqualTo("Cooldown");
            assertThat(e.outcome()).isEqualTo("suppressed");
            assertThat(e.detail()).contains("rotation of orders/api-key").contains("revoking the sessions of role orders-app-instance-role");
        });
        assertThat(ledger.timeline("inc-1")).isEmpty();
    }

    @Test
    void resolve_should_claimNoCooldown_when_dryRun() {
        // GIVEN a cooldown and a dry run of the finding
        com.drresponder.ledger.InMemoryLedger ledger = new com.drresponder.ledger.InMemoryLedger();
        TargetResolver withCooldown = withCooldownOnRoleSecret(ledger);
        withCooldown.resolve(RoutedPlaybookInputs.guardDuty("iam-credential-exfiltration.json", "inc-dry", true));

        // WHEN the real response follows
        CredentialTargets real = withCooldown.resolve(RoutedPlaybookInputs.guardDuty("iam-credential-exfiltration.json", "inc-1", false));

        // THEN the plan of the dry run held nothing back
        assertThat(real.secrets()).hasSize(1);
        assertThat(real.containment().roleSessions()).isNotNull();
    }

    @Test
    void cooldown_should_failNamingTheVariable_when_notAWholeNumber() {
        assertThat(CredentialSettings.from(Map.of()).cooldown()).isEqualTo(java.time.Duration.ofMinutes(30));
        assertThat(CredentialSettings.from(Map.of("CREDENTIAL_COOLDOWN_MINUTES", "0")).cooldown()).isZero();
        assertThatThrownBy(() -> CredentialSettings.from(Map.of("CREDENTIAL_COOLDOWN_MINUTES", "-1"))).hasMessageContaining("CREDENTIAL_COOLDOWN_MINUTES");
        assertThatThrownBy(() -> CredentialSettings.from(Map.of("CREDENTIAL_COOLDOWN_MINUTES", "soon"))).hasMessageContaining("CREDENTIAL_COOLDOWN_MINUTES");
    }

    /** A resolver with a 30-minute cooldown at 2024-03-15T14:00Z, and an opted-in secret of orders-app-instance-role. */
    private TargetResolver withCooldownOnRoleSecret(com.drresponder.ledger.InMemoryLedger ledger) {
        Clock clock = Clock.fixed(Instant.parse("2024-03-15T14:00:00Z"), ZoneOffset.UTC);
        catalog.add("orders/api-key", Map.of("dr:protected", "true", "dr:principal", "orders-app-instance-role"), FN, null);
        return new TargetResolver(catalog, "dr:protected", java.util.Set.of("*"), clock,
                new Cooldowns(ledger, java.time.Duration.ofMinutes(30), clock), iamUsers);
    }
}
