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
    private final TargetResolver resolver = new TargetResolver(catalog, "dr:protected", java.util.Set.of("*"),
            Clock.fixed(Instant.parse("2024-03-15T14:00:00Z"), ZoneOffset.UTC));

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
        assertThat(t.containment().roleSessions().roleName()).isEqualTo("orders-app-instance-role");
        assertThat(t.containment().roleSessions().policyDocument()).contains("\"aws:TokenIssueTime\":\"2024-03-15T14:00:00Z\"");
        assertThat(t.containment().blockCidrs()).containsExactly("198.51.100.23/32");
        assertThat(t.lockKey()).isEqualTo(input.get("lockKey").asText());
    }

    @Test
    void resolve_should_skipTaggedSecret_when_itIsNotInTheAllowList() {
        // GIVEN two tagged secrets, only one of them in PROTECTED_RESOURCES
        catalog.add("orders/db", Map.of("dr:protected", "true"), FN, null);
        catalog.add("billing/db", Map.of("dr:protected", "true"), FN, null);
        TargetResolver listed = new TargetResolver(catalog, "dr:protected",
                java.util.Set.of("arn:aws:secretsmanager:us-east-1:123456789012:secret:orders/db"), Clock.systemUTC());
        // WHEN an operator asks for both by id
        CredentialTargets t = listed.resolve(com.drresponder.common.Json.object().put("incidentId", "inc-1")
                .set("secretIds", com.drresponder.common.Json.MAPPER.createArrayNode().add("orders/db").add("billing/db")));
        // THEN the tag alone is not enough: the unlisted secret is skipped with the reason
        assertThat(t.secrets()).extracting(CredentialTargets.Target::name).containsExactly("orders/db");
        assertThat(t.skipped()).containsExactly(new CredentialTargets.Skipped("billing/db", "not in the allow-list (PROTECTED_RESOURCES)"));
    }

    @Test
    void resolve_should_deactivateKey_when_principalIsIamUser() {
        // GIVEN
        ObjectNode input = RoutedPlaybookInputs.guardDuty("iam-credential-exfiltration.json", "inc-1", false);
        ((ObjectNode) input.get("principal")).put("userType", "IAMUser").put("userName", "ci").put("accessKeyId", "AKIAIOSFODNN7EXAMPLE");
        // WHEN
        CredentialTargets t = resolver.resolve(input);
        // THEN
        assertThat(t.containment().accessKey()).isEqualTo(new CredentialTargets.AccessKey("ci", "AKIAIOSFODNN7EXAMPLE",
                "aws iam update-access-key --user-name ci --access-key-id AKIAIOSFODNN7EXAMPLE --status Active"));
        assertThat(t.containment().roleSessions()).isNull();
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
    void resolve_should_noteAndSkip_when_blockIpIsNotIpv4() {
        // GIVEN
        ObjectNode input = RoutedPlaybookInputs.guardDuty("rds-anomalous-login.json", "inc-3", false);
        input.putArray("blockIps").add("2001:db8::1").add("10.0.0.300");
        // WHEN
        CredentialTargets t = resolver.resolve(input);
        // THEN
        assertThat(t.containment()).isNull();
        assertThat(t.notes()).hasSize(2).allSatisfy(n -> assertThat(n).contains("not an IPv4 address"));
    }

    @Test
    void hostMatches_should_matchClusterAndInstanceEndpoints_only() {
        assertThat(TargetResolver.hostMatches("orders-db.cluster-ro-x.rds.amazonaws.com", "orders-db", null)).isTrue();
        assertThat(TargetResolver.hostMatches("orders-db-instance-1.x.rds.amazonaws.com", null, "orders-db-instance-1")).isTrue();
        assertThat(TargetResolver.hostMatches("orders-db-2.cluster-x.rds.amazonaws.com", "orders-db", null)).isFalse();
    }
}
