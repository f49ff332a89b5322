package com.drresponder.credentials;

import static org.assertj.core.api.Assertions.assertThat;

import com.drresponder.ledger.DynamoDbLedger;
import com.drresponder.ledger.Ledger;
import com.drresponder.router.RoutedPlaybookInputs;
import com.drresponder.testing.EmulatorClients;
import com.drresponder.testing.PostgresFixture;
import com.drresponder.testing.PostgresTest;
import com.drresponder.testsupport.AwsEmulator;
import com.drresponder.testsupport.AwsEmulatorTest;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.iam.model.StatusType;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.wafv2.model.Scope;

/** The real ASL in moto's Step Functions, its Java steps in worker JVMs, rotation against a real PostgreSQL. */
@AwsEmulatorTest
@PostgresTest
class CredentialPlaybookIT {
    private static final Duration TIMEOUT = Duration.ofMinutes(6);
    private static final String ROLE = "orders-app-instance-role";
    private static PostgresFixture postgres;

    private CredentialPlaybookFixture playbook;
    private final List<String> passwordsSeen = new ArrayList<>();

    @BeforeAll
    static void startPostgres(PostgresFixture started) {
        postgres = started;
    }

    @BeforeEach
    void setUp(AwsEmulator emulator) {
        playbook = new CredentialPlaybookFixture(emulator);
    }

    private String user() {
        return "u_" + UUID.randomUUID().toString().substring(0, 8);
    }

    private String password() {
        String p = "Pw-" + UUID.randomUUID();
        passwordsSeen.add(p);
        return p;
    }

    private List<String> blockList6() {
        return playbook.waf.getIPSet(r -> r.name(CredentialPlaybookFixture.IP_SET6_NAME).id(playbook.ipSet6Id).scope(Scope.REGIONAL)).ipSet().addresses();
    }

    private List<String> blockList() {
        return playbook.waf.getIPSet(r -> r.name(CredentialPlaybookFixture.IP_SET_NAME).id(playbook.ipSetId).scope(Scope.REGIONAL)).ipSet().addresses();
    }

    private void assertNoSecretLeaked(DescribeExecutionResponse execution, String secretId) throws Exception {
        assertNoSecretLeaked(playbook.responder.notificationTexts(), execution, List.of(secretId));
    }

    /** No password (old or new) in any notification, worker log or execution output. */
    private void assertNoSecretLeaked(List<String> notifications, DescribeExecutionResponse execution, List<String> secretIds) throws Exception {
        List<String> values = new ArrayList<>(passwordsSeen);
        secretIds.forEach(id -> values.add(playbook.currentPassword(id)));
        StringBuilder logs = new StringBuilder();
        for (String fn : CredentialPlaybookFixture.FUNCTIONS) {
            var file = playbook.emulator.lambdaHost().logFile(fn);
            if (Files.exists(file)) {
                logs.append(Files.readString(file));
            }
        }
        for (String value : values) {
            assertThat(String.join("\n", notifications)).doesNotContain(value);
            assertThat(logs.toString()).doesNotContain(value);
            assertThat(String.valueOf(execution.output())).doesNotContain(value);
        }
    }

    @Test
    void iamFinding_should_revokeRoleSessionsBlockIpAndRotateProtectedSecrets_when_roleCredentialsExfiltrated() throws Exception {
        // GIVEN the role of the sample finding, a protected and an unprotected secret it can read
        IamClient iam = EmulatorClients.client(IamClient.builder(), playbook.emulator);
        // Opted in like every resource the responder changes: the playbook's role may revoke sessions of tagged roles only.
        iam.createRole(r -> r.roleName(ROLE).assumeRolePolicyDocument("{\"Version\":\"2012-10-17\",\"Statement\":[]}")
                .tags(t -> t.key("dr:protected").value("true")));
        String oldPassword = password();
        String user = user();
        String secret = playbook.databaseSecret(postgres, user, oldPassword, Map.of("dr:protected", "true", "dr:principal", ROLE));
        String otherPassword = password();
        String unprotected = playbook.databaseSecret(postgres, user(), otherPassword, Map.of("dr:principal", ROLE));
        String incident = CredentialPlaybookFixture.newIncidentId();
        ObjectNode input = RoutedPlaybookInputs.guardDuty("iam-credential-exfiltration.json", incident, false);
        // WHEN
        DescribeExecutionResponse execution = playbook.runRouted(input, TIMEOUT);
        // THEN
        assertSucceeded(execution);
        String newPassword = playbook.currentPassword(secret);
        assertThat(postgres.canLogIn(user, newPassword)).isTrue();
        assertThat(postgres.canLogIn(user, oldPassword)).isFalse();
        assertThat(playbook.currentPassword(unprotected)).isEqualTo(otherPassword);
        // IAM returns policy documents URL-encoded
        assertThat(URLDecoder.decode(iam.getRolePolicy(r -> r.roleName(ROLE).policyName(TargetResolver.revokePolicyName(incident))).policyDocument(),
                StandardCharsets.UTF_8)).contains("\"Deny\"", "aws:TokenIssueTime");
        // AND the revocation and its undo were on the timeline before the change (write-ahead), the outcome after it
        String roleUndo = "aws iam delete-role-policy --role-name " + ROLE + " --policy-name " + TargetResolver.revokePolicyName(incident);
        assertThat(playbook.responder.incidentItems(incident).stream()
                .filter(i -> i.get("sk").s().startsWith("STEP#") && i.containsKey("outcome") && i.get("action").s().equals("Revoke role sessions"))
                .map(i -> i.get("outcome").s() + "/" + (i.containsKey("undo") ? i.get("undo").s() : "")).toList())
                .containsExactly("started/" + roleUndo, "succeeded/" + roleUndo);
        assertThat(blockList()).contains("198.51.100.23/32", "192.0.2.1/32");
        List<String> notifications = playbook.responder.notificationTexts();
        assertThat(notifications).anySatisfy(n -> assertThat(n).contains("Resolved").contains("db/" + user).contains("198.51.100.23/32"));
        assertThat(playbook.responder.incidentItems(incident).toString()).contains("delete-role-policy")
                .contains("Blocked 198.51.100.23/32 until").contains("remove 198.51.100.23/32 from IP set " + CredentialPlaybookFixture.IP_SET_NAME);
        assertNoSecretLeaked(notifications, execution, List.of(secret, unprotected));
    }

    @Test
    void iamFinding_should_deactivateKeyAndDenyOlderSessions_afterRecordingTheUndo_when_principalIsIamUser() throws Exception {
        // GIVEN an IAM user whose key the finding names, with a second key and a console password
        IamClient iam = EmulatorClients.client(IamClient.builder(), playbook.emulator);
        iam.createUser(r -> r.userName("ci-deployer").tags(t -> t.key("dr:protected").value("true")));
        String keyId = iam.createAccessKey(r -> r.userName("ci-deployer")).accessKey().accessKeyId();
        String otherKeyId = iam.createAccessKey(r -> r.userName("ci-deployer")).accessKey().accessKeyId();
        iam.createLoginProfile(r -> r.userName("ci-deployer").password("Console-" + UUID.randomUUID()));
        String secret = playbook.databaseSecret(postgres, user(), password(), Map.of("dr:protected", "true", "dr:principal", "ci-deployer"));
        String incident = CredentialPlaybookFixture.newIncidentId();
        ObjectNode input = RoutedPlaybookInputs.guardDuty("iam-credential-exfiltration.json", incident, false);
        ((ObjectNode) input.get("principal")).put("userName", "ci-deployer").put("userType", "IAMUser").put("accessKeyId", keyId)
                .put("arn", "arn:aws:iam::123456789012:user/ci-deployer");
        // WHEN
        DescribeExecutionResponse execution = playbook.runRouted(input, TIMEOUT);
        // THEN the finding's key is Inactive, the other key untouched (a person decides, see the plan)
        assertSucceeded(execution);
        Map<String, StatusType> keys = new java.util.HashMap<>();
        iam.listAccessKeys(r -> r.userName("ci-deployer")).accessKeyMetadata().forEach(k -> keys.put(k.accessKeyId(), k.status()));
        assertThat(keys).containsEntry(keyId, StatusType.INACTIVE).containsEntry(otherKeyId, StatusType.ACTIVE);
        // AND the user's sessions issued before the incident are denied (IAM returns policy documents URL-encoded)
        assertThat(URLDecoder.decode(iam.getUserPolicy(r -> r.userName("ci-deployer").policyName(TargetResolver.revokePolicyName(incident))).policyDocument(),
                StandardCharsets.UTF_8)).contains("\"Deny\"", "aws:TokenIssueTime");
        // AND the undo was on the timeline before the first change, and the plan names the other ways in
        List<String> steps = playbook.responder.incidentItems(incident).stream()
                .filter(i -> i.get("sk").s().startsWith("STEP#") && i.containsKey("outcome"))
                .map(i -> i.get("action").s() + "/" + i.get("outcome").s() + "/" + (i.containsKey("undo") ? i.get("undo").s() : "")).toList();
        String undo = "aws iam update-access-key --user-name ci-deployer --access-key-id " + keyId
                + " --status Active && aws iam delete-user-policy --user-name ci-deployer --policy-name " + TargetResolver.revokePolicyName(incident);
        assertThat(steps).containsSubsequence("Contain IAM user/started/" + undo, "Contain IAM user/succeeded/" + undo);
        assertThat(playbook.responder.incidentItems(incident).toString())
                .contains("IAM user ci-deployer has other active access key(s) " + otherKeyId)
                .contains("IAM user ci-deployer can sign in to the console (login profile): recommended");
        assertNoSecretLeaked(execution, secret);
    }

    @Test
    void rdsFinding_should_rotateTheDatabaseSecretsAndBlockIp_when_anomalousLogin() throws Exception {
        // GIVEN a secret tagged with the finding's cluster
        String user = user();
        String oldPassword = password();
        String secret = ordersDbSecret(user, oldPassword);
        ObjectNode input = RoutedPlaybookInputs.guardDuty("rds-anomalous-login.json", CredentialPlaybookFixture.newIncidentId(), false);
        // WHEN
        DescribeExecutionResponse execution = playbook.runRouted(input, TIMEOUT);
        // THEN
        assertSucceeded(execution);
        assertThat(postgres.canLogIn(user, playbook.currentPassword(secret))).isTrue();
        assertThat(postgres.canLogIn(user, oldPassword)).isFalse();
        assertThat(blockList()).contains("203.0.113.77/32");
        assertNoSecretLeaked(execution, secret);
    }

    @Test
    void rdsFinding_should_rotateNothingAndSaySo_when_theFindingRepeatsInsideTheCooldown() throws Exception {
        // GIVEN a database secret the first finding rotated
        String user = user();
        String secret = ordersDbSecret(user, password());
        DescribeExecutionResponse first = playbook.runRouted(
                RoutedPlaybookInputs.guardDuty("rds-anomalous-login.json", CredentialPlaybookFixture.newIncidentId(), false), TIMEOUT);
        assertSucceeded(first);
        String rotated = playbook.currentPassword(secret);
        passwordsSeen.add(rotated);

        // WHEN the finding recurs as a new incident inside the cooldown (default 30 minutes)
        String repeat = CredentialPlaybookFixture.newIncidentId();
        DescribeExecutionResponse second = playbook.runRouted(RoutedPlaybookInputs.guardDuty("rds-anomalous-login.json", repeat, false), TIMEOUT);

        // THEN the password is not rotated again: the first incident's password still logs in
        assertThat(playbook.currentPassword(secret)).isEqualTo(rotated);
        assertThat(postgres.canLogIn(user, rotated)).isTrue();
        // AND the repeat's timeline says what the cooldown held back and why
        String items = playbook.responder.incidentItems(repeat).toString();
        assertThat(items).contains("Cooldown").contains("suppressed").contains("rotation of db/" + user)
                .contains("cooldown: rotated by incident " + first.name());
        assertNoSecretLeaked(second, secret);
    }

    @Test
    void rdsFinding_should_notifyAndRotateNothing_when_itReportsFailedLogins() throws Exception {
        // GIVEN a database secret of the cluster a failed-login finding names
        String user = user();
        String oldPassword = password();
        String secret = ordersDbSecret(user, oldPassword);
        String incident = CredentialPlaybookFixture.newIncidentId();

        // WHEN the finding is routed with the default findingActions
        DescribeExecutionResponse execution = playbook.runRouted(RoutedPlaybookInputs.guardDuty("rds-failed-login.json", incident, false), TIMEOUT);

        // THEN nothing leaked, so nothing is rotated or blocked; people are told, and the incident is not "resolved"
        assertThat(playbook.currentPassword(secret)).isEqualTo(oldPassword);
        assertThat(postgres.canLogIn(user, oldPassword)).isTrue();
        assertThat(blockList()).doesNotContain("203.0.113.77/32");
        assertThat(execution.error()).isEqualTo("NothingToDo");
        assertThat(playbook.responder.notificationTexts()).anySatisfy(n -> assertThat(n).contains("Escalated").contains("Nothing was rotated or contained")
                // AND the notification says what is next for failed logins, not "check the secret names"
                .contains("Failed logins on orders-db").contains("nothing leaked, so nothing was rotated")
                .contains("If a login may have succeeded").doesNotContain("Check the secret names"));
    }

    @Test
    void rdsFinding_should_blockIpv4AndIpv6ButNeverTheSafelist_andRecordEachExpiry_when_theFindingNamesThem() throws Exception {
        // GIVEN a finding naming an IPv4 caller, an IPv6 caller and an address of the deployment's own safelisted range
        String user = user();
        String secret = ordersDbSecret(user, password());
        String incident = CredentialPlaybookFixture.newIncidentId();
        ObjectNode input = RoutedPlaybookInputs.guardDuty("rds-anomalous-login.json", incident, false);
        input.putArray("blockIps").add("203.0.113.77").add("2001:db8:bad::1").add("192.0.2.200");
        // WHEN
        DescribeExecutionResponse execution = playbook.runRouted(input, TIMEOUT);
        // THEN each family is blocked in its own set, the safelisted address in neither, the earlier entry kept
        assertSucceeded(execution);
        assertThat(blockList()).containsExactlyInAnyOrder("192.0.2.1/32", "203.0.113.77/32");
        assertThat(blockList6()).containsExactly("2001:db8:bad::1/128");
        // AND the ledger holds each added address with its expiry (what the sweeper reads), the timeline what was left out
        DynamoDbLedger ledger = playbook.responder.ledger();
        assertThat(ledger.ipBlocks(playbook.ipSetId)).singleElement().satisfies(b -> {
            assertThat(b.cidr()).isEqualTo("203.0.113.77/32");
            assertThat(b.incidentId()).isEqualTo(incident);
            assertThat(b.until()).isAfter(java.time.Instant.now().plus(Duration.ofHours(23)));
        });
        assertThat(ledger.ipBlocks(playbook.ipSet6Id)).extracting(Ledger.IpBlock::cidr).containsExactly("2001:db8:bad::1/128");
        assertThat(playbook.responder.incidentItems(incident).toString()).contains("not blocked: 192.0.2.200/32 (safelisted)");
        assertNoSecretLeaked(execution, secret);
    }

    @Test
    void sweeper_should_removeOnlyTheExpiredAddressesItAdded_andSaySo_when_scheduled() {
        // GIVEN the block lists with an address nobody recorded, one expired block per family and one live block
        DynamoDbLedger ledger = playbook.responder.ledger();
        java.time.Instant now = java.time.Instant.now();
        String incident = CredentialPlaybookFixture.newIncidentId();
        setAddresses(CredentialPlaybookFixture.IP_SET_NAME, playbook.ipSetId, List.of("192.0.2.1/32", "203.0.113.5/32", "203.0.113.6/32"));
        setAddresses(CredentialPlaybookFixture.IP_SET6_NAME, playbook.ipSet6Id, List.of("2001:db8:bad::1/128"));
        ledger.recordIpBlock(new Ledger.IpBlock(playbook.ipSetId, "203.0.113.5/32", incident, now.minus(Duration.ofHours(1))));
        ledger.recordIpBlock(new Ledger.IpBlock(playbook.ipSetId, "203.0.113.6/32", incident, now.plus(Duration.ofHours(5))));
        ledger.recordIpBlock(new Ledger.IpBlock(playbook.ipSet6Id, "2001:db8:bad::1/128", incident, now.minus(Duration.ofMinutes(1))));
        // WHEN the schedule invokes merge-ip-set as the stack's rule does
        String event = "{\"sweep\":true,\"ipSets\":{\"ipv4\":{\"name\":\"" + CredentialPlaybookFixture.IP_SET_NAME + "\",\"id\":\""
                + playbook.ipSetId + "\",\"scope\":\"REGIONAL\"},\"ipv6\":{\"name\":\"" + CredentialPlaybookFixture.IP_SET6_NAME
                + "\",\"id\":\"" + playbook.ipSet6Id + "\",\"scope\":\"REGIONAL\"}}}";
        var response = EmulatorClients.client(LambdaClient.builder(), playbook.emulator)
                .invoke(r -> r.functionName("merge-ip-set").payload(SdkBytes.fromUtf8String(event)));
        // THEN only the expired blocks are gone; the unrecorded address and the live block stay
        assertThat(response.functionError()).as(response.payload().asUtf8String()).isNull();
        assertThat(blockList()).containsExactlyInAnyOrder("192.0.2.1/32", "203.0.113.6/32");
        assertThat(blockList6()).isEmpty();
        assertThat(ledger.ipBlocks(playbook.ipSetId)).extracting(Ledger.IpBlock::cidr).containsExactly("203.0.113.6/32");
        // AND the incident that blocked them says they were removed
        assertThat(ledger.timeline(incident)).extracting(e -> e.action() + "/" + e.outcome() + "/" + e.detail())
                .containsExactlyInAnyOrder("Block expired/removed/203.0.113.5/32 removed from IP set " + CredentialPlaybookFixture.IP_SET_NAME
                                + " (blocked until " + now.minus(Duration.ofHours(1)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + ")",
                        "Block expired/removed/2001:db8:bad::1/128 removed from IP set " + CredentialPlaybookFixture.IP_SET6_NAME
                                + " (blocked until " + now.minus(Duration.ofMinutes(1)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + ")");
    }

    private void setAddresses(String name, String id, List<String> addresses) {
        String token = playbook.waf.getIPSet(r -> r.name(name).id(id).scope(Scope.REGIONAL)).lockToken();
        playbook.waf.updateIPSet(r -> r.name(name).id(id).scope(Scope.REGIONAL).addresses(addresses).lockToken(token));
    }

    @Test
    void manualRequest_should_rotateNamedSecrets_when_startedByHand() throws Exception {
        // GIVEN
        String user = user();
        String oldPassword = password();
        String secret = playbook.databaseSecret(postgres, user, oldPassword, Map.of("dr:protected", "true"));
        String input = CredentialPlaybookFixture.manualInput(CredentialPlaybookFixture.newIncidentId(),
                Map.of("secretIds", List.of("db/" + user, "db/does-not-exist"), "reason", "leaked in a chat"));
        // WHEN
        DescribeExecutionResponse execution = playbook.run(input, TIMEOUT);
        // THEN
        assertSucceeded(execution);
        assertThat(postgres.canLogIn(user, oldPassword)).isFalse();
        assertThat(postgres.canLogIn(user, playbook.currentPassword(secret))).isTrue();
        assertNoSecretLeaked(execution, secret);
    }

    @Test
    void manualRequest_should_onlyAnnouncePlan_when_dryRun() throws Exception {
        // GIVEN
        String user = user();
        String oldPassword = password();
        String secret = playbook.databaseSecret(postgres, user, oldPassword, Map.of("dr:protected", "true", "app", "orders"));
        String input = CredentialPlaybookFixture.manualInput(CredentialPlaybookFixture.newIncidentId(),
                Map.of("tag", "app=orders", "reason", "drill", "dryRun", true));
        // WHEN
        DescribeExecutionResponse execution = playbook.run(input, TIMEOUT);
        // THEN nothing changed, and people saw the plan
        assertThat(execution.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(playbook.currentPassword(secret)).isEqualTo(oldPassword);
        assertThat(postgres.canLogIn(user, oldPassword)).isTrue();
        List<String> notifications = playbook.responder.notificationTexts();
        assertThat(notifications).anySatisfy(n -> assertThat(n).contains("Dry run").contains("Rotate 1 secret(s): db/" + user));
        assertNoSecretLeaked(notifications, execution, List.of(secret));
    }

    @Test
    void manualRequest_should_recordFailureAndFail_when_inputIsInvalid() {
        // GIVEN the sample with an empty secretIds list
        String input = CredentialPlaybookFixture.manualInput(CredentialPlaybookFixture.newIncidentId(), Map.of("secretIds", List.of(), "reason", "x"));
        // WHEN
        DescribeExecutionResponse execution = playbook.run(input, TIMEOUT);
        // THEN the first step refuses it (the router's admission), before anything is resolved or locked
        assertThat(execution.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(execution.error()).isEqualTo("RequestRejected");
        assertThat(execution.cause()).contains("secretIds: must name at least one secret");
    }

    @Test
    void manualRequest_should_escalateSayingWhy_when_noNamedSecretCanBeActedOn() {
        // GIVEN a request naming a secret that does not exist and one that is not opted in
        String user = user();
        playbook.databaseSecret(postgres, user, password(), Map.of());
        String incidentId = CredentialPlaybookFixture.newIncidentId();
        String input = CredentialPlaybookFixture.manualInput(incidentId,
                Map.of("secretIds", List.of("db/does-not-exist", "db/" + user), "reason", "typo in the request"));
        // WHEN
        DescribeExecutionResponse execution = playbook.run(input, TIMEOUT);
        // THEN it does not claim success: escalated, with the reason for each secret, and people told
        assertThat(execution.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(execution.error()).isEqualTo("NothingToDo");
        assertThat(playbook.responder.notificationTexts()).anySatisfy(n -> assertThat(n)
                .contains("Escalated").contains("Nothing was rotated or contained").contains("db/does-not-exist (no such secret)"));
    }

    @Test
    void manualRequest_should_killBothUsersLeakedPasswords_when_secretUsesAlternatingUsers() throws Exception {
        // GIVEN alternating users: app (AWSCURRENT) and app_clone (AWSPREVIOUS), both passwords leaked, and the master secret
        String app = user();
        String clone = app + RotationSteps.CLONE_SUFFIX;
        String leakedApp = password();
        String leakedClone = password();
        String master = "m_" + app;
        String masterPassword = password();
        postgres.createUser(master, masterPassword, true);
        postgres.createUser(app, leakedApp, false);
        postgres.createUser(clone, leakedClone, false);
        String masterArn = playbook.secrets.createSecret(r -> r.name("db/" + master).secretString(PostgresRotationIT.secretJson(postgres, master, masterPassword, null))
                .tags(PostgresRotationIT.OPTED_IN)).arn();
        String secret = playbook.secrets.createSecret(r -> r.name("db/" + app).secretString(PostgresRotationIT.secretJson(postgres, clone, leakedClone, masterArn))
                .tags(PostgresRotationIT.OPTED_IN)).arn();
        playbook.secrets.putSecretValue(r -> r.secretId(secret).secretString(PostgresRotationIT.secretJson(postgres, app, leakedApp, masterArn)));
        playbook.configureRotation(secret);
        String incident = CredentialPlaybookFixture.newIncidentId();
        String input = CredentialPlaybookFixture.manualInput(incident, Map.of("secretIds", List.of("db/" + app), "reason", "both users leaked"));
        // WHEN
        DescribeExecutionResponse execution = playbook.run(input, TIMEOUT);
        // THEN neither leaked password logs in, the new AWSCURRENT does, and the incident names the killed versions
        assertSucceeded(execution);
        assertThat(postgres.canLogIn(app, leakedApp)).isFalse();
        assertThat(postgres.canLogIn(clone, leakedClone)).isFalse();
        DatabaseSecret current = DatabaseSecret.parse(secret, playbook.secrets.getSecretValue(r -> r.secretId(secret).versionStage("AWSCURRENT")).secretString());
        assertThat(postgres.canLogIn(current.username(), current.password())).isTrue();
        assertThat(playbook.responder.notificationTexts()).anySatisfy(n -> assertThat(n).contains("Resolved")
                .contains("killed AWSCURRENT").contains("(user " + app + ")").contains("AWSPREVIOUS").contains("(user " + clone + ")"));
        passwordsSeen.add(masterPassword);
        assertNoSecretLeaked(execution, secret);
    }

    @Test
    void manualRequest_should_notStartASecondRotation_when_rotateSecretResponseIsLost() throws Exception {
        // GIVEN RotateSecret's response is lost once (the rotation runs, the state machine sees a 500)
        String user = user();
        String oldPassword = password();
        String secret = playbook.databaseSecret(postgres, user, oldPassword, Map.of("dr:protected", "true"));
        playbook.emulator.injectFault(AwsEmulator.Fault.lostResponse("secretsmanager", "RotateSecret").times(1));
        int before = playbook.emulator.requests().size(); // the request log spans the whole test JVM
        String input = CredentialPlaybookFixture.manualInput(CredentialPlaybookFixture.newIncidentId(),
                Map.of("secretIds", List.of("db/" + user), "reason", "leaked"));
        // WHEN
        DescribeExecutionResponse execution = playbook.run(input, TIMEOUT);
        // THEN the check recognised the rotation by its token: one RotateSecret, one new password, verified
        assertSucceeded(execution);
        List<AwsEmulator.ApiRequest> all = playbook.emulator.requests();
        List<AwsEmulator.ApiRequest> rotations = all.subList(before, all.size()).stream()
                .filter(r -> r.action().equals("RotateSecret") && !r.client().equals("test")).toList();
        assertThat(rotations).hasSize(1).allSatisfy(r -> assertThat(r.fault()).isNotNull());
        String previous = playbook.secrets.getSecretValue(r -> r.secretId(secret).versionStage("AWSPREVIOUS")).secretString();
        assertThat(DatabaseSecret.parse(secret, previous).password()).isEqualTo(oldPassword);
        assertThat(postgres.canLogIn(user, oldPassword)).isFalse();
        assertThat(postgres.canLogIn(user, playbook.currentPassword(secret))).isTrue();
    }

    /** An opted-in PostgreSQL user's secret linked to orders-db (the cluster the sample RDS findings name). */
    private String ordersDbSecret(String user, String password) {
        return playbook.databaseSecret(postgres, user, password, Map.of("dr:protected", "true", "dr:database", "orders-db"));
    }

    private static void assertSucceeded(DescribeExecutionResponse execution) {
        assertThat(execution.status()).as(execution.error() + " " + execution.cause()).isEqualTo(ExecutionStatus.SUCCEEDED);
    }
}
