package com.drresponder.credentials;

import static com.drresponder.credentials.SecretStore.CURRENT;
import static com.drresponder.credentials.SecretStore.PENDING;
import static com.drresponder.credentials.SecretStore.PREVIOUS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RotationStepsTest {
    private static final String SECRET = "orders-db/app";
    private static final String MASTER = "arn:aws:secretsmanager:us-east-1:123456789012:secret:orders-db/master";
    private static final String TOKEN = "11111111-1111-4111-8111-111111111111";
    private static final String OLD_PASSWORD = "old-Secret-Value-1";

    private InMemorySecretStore store;
    private InMemoryPostgres database;
    private RotationSteps steps;

    @BeforeEach
    void setUp() {
        store = new InMemorySecretStore();
        database = new InMemoryPostgres();
        steps = new RotationSteps(store, database, new RotationSettings(32, RotationSettings.DEFAULT_EXCLUDE));
    }

    private static String secret(String user, String password, String masterArn) {
        return "{\"engine\":\"postgres\",\"host\":\"orders.cluster-abc.us-east-1.rds.amazonaws.com\",\"port\":5432,"
                + "\"username\":\"" + user + "\",\"password\":\"" + password + "\",\"dbname\":\"orders\""
                + (masterArn == null ? "" : ",\"masterarn\":\"" + masterArn + "\"") + ",\"extra\":\"kept\"}";
    }

    private void givenSingleUserSecretInRotation() {
        store.create(SECRET, "v1", secret("app", OLD_PASSWORD, null));
        database.passwords.put("app", OLD_PASSWORD);
        store.startRotation(SECRET, TOKEN);
    }

    private RotationSteps.Outcome run(RotationStep step) {
        return steps.run(new RotationRequest(SECRET, TOKEN, step));
    }

    private void runAll() {
        for (RotationStep step : RotationStep.values()) {
            run(step);
        }
    }

    @Test
    void createSecret_should_storeNewPasswordAsPending_when_versionIsPending() {
        // GIVEN
        givenSingleUserSecretInRotation();
        // WHEN
        RotationSteps.Outcome outcome = run(RotationStep.CREATE_SECRET);
        // THEN
        assertThat(outcome).isEqualTo(RotationSteps.Outcome.DONE);
        DatabaseSecret pending = DatabaseSecret.parse(SECRET, store.valueOf(SECRET, PENDING));
        assertThat(pending.password()).isEqualTo(store.passwordsHandedOut.get(0)).isNotEqualTo(OLD_PASSWORD);
        assertThat(pending.username()).isEqualTo("app");
        assertThat(store.valueOf(SECRET, PENDING)).contains("\"extra\":\"kept\"");
    }

    @Test
    void createSecret_should_keepFirstPassword_when_runTwiceWithSameToken() {
        // GIVEN
        givenSingleUserSecretInRotation();
        run(RotationStep.CREATE_SECRET);
        String first = store.valueOf(SECRET, PENDING);
        // WHEN
        RotationSteps.Outcome outcome = run(RotationStep.CREATE_SECRET);
        // THEN
        assertThat(outcome).isEqualTo(RotationSteps.Outcome.ALREADY_DONE);
        assertThat(store.valueOf(SECRET, PENDING)).isEqualTo(first);
        assertThat(store.passwordsHandedOut).hasSize(1);
    }

    @Test
    void run_should_doNothing_when_versionIsAlreadyCurrent() {
        // GIVEN a finished rotation
        givenSingleUserSecretInRotation();
        runAll();
        Map<String, List<String>> before = store.stages(SECRET);
        // WHEN Secrets Manager retries any step
        for (RotationStep step : RotationStep.values()) {
            // THEN
            assertThat(run(step)).isEqualTo(RotationSteps.Outcome.ALREADY_CURRENT);
        }
        assertThat(store.stages(SECRET)).isEqualTo(before);
        assertThat(database.changes).hasSize(1);
    }

    @Test
    void run_should_refuse_when_versionIsNotStagedPending() {
        // GIVEN a version that lost AWSPENDING (another rotation took over)
        givenSingleUserSecretInRotation();
        store.startRotation(SECRET, "22222222-2222-4222-8222-222222222222");
        // WHEN / THEN
        assertThatThrownBy(() -> run(RotationStep.CREATE_SECRET)).isInstanceOf(RotationRefusedException.class)
                .hasMessageContaining("not staged AWSPENDING");
    }

    @Test
    void run_should_refuse_when_tokenIsUnknown() {
        // GIVEN
        store.create(SECRET, "v1", secret("app", OLD_PASSWORD, null));
        // WHEN / THEN
        assertThatThrownBy(() -> run(RotationStep.CREATE_SECRET)).isInstanceOf(RotationRefusedException.class)
                .hasMessageContaining("has no version " + TOKEN);
    }

    @Test
    void run_should_refuse_when_rotationIsDisabled() {
        // GIVEN
        givenSingleUserSecretInRotation();
        store.disableRotation(SECRET);
        // WHEN / THEN
        assertThatThrownBy(() -> run(RotationStep.CREATE_SECRET)).hasMessageContaining("not enabled for rotation");
    }

    @Test
    void createSecret_should_refuseNamingTheField_when_hostIsMissing() {
        // GIVEN a secret without host (and a password that must not leak)
        store.create(SECRET, "v1", "{\"engine\":\"postgres\",\"username\":\"app\",\"password\":\"" + OLD_PASSWORD + "\"}");
        store.startRotation(SECRET, TOKEN);
        Map<String, List<String>> before = store.stages(SECRET);
        // WHEN / THEN
        assertThatThrownBy(() -> run(RotationStep.CREATE_SECRET)).isInstanceOf(MalformedSecretException.class)
                .hasMessageContaining("\"host\" is missing").hasMessageNotContaining(OLD_PASSWORD)
                .extracting(e -> ((MalformedSecretException) e).field()).isEqualTo("host");
        assertThat(store.stages(SECRET)).isEqualTo(before);
        assertThat(store.passwordsHandedOut).isEmpty();
    }

    @Test
    void setSecret_should_changeOwnPasswordAsTheUser_when_singleUser() {
        // GIVEN
        givenSingleUserSecretInRotation();
        run(RotationStep.CREATE_SECRET);
        // WHEN
        RotationSteps.Outcome outcome = run(RotationStep.SET_SECRET);
        // THEN
        assertThat(outcome).isEqualTo(RotationSteps.Outcome.DONE);
        assertThat(database.passwords.get("app")).isEqualTo(store.passwordsHandedOut.get(0));
        assertThat(database.changes).containsExactly("app set app");
    }

    @Test
    void setSecret_should_doNothing_when_pendingPasswordAlreadyWorks() {
        // GIVEN
        givenSingleUserSecretInRotation();
        run(RotationStep.CREATE_SECRET);
        run(RotationStep.SET_SECRET);
        // WHEN
        RotationSteps.Outcome outcome = run(RotationStep.SET_SECRET);
        // THEN
        assertThat(outcome).isEqualTo(RotationSteps.Outcome.ALREADY_DONE);
        assertThat(database.changes).hasSize(1);
    }

    @Test
    void setSecret_should_logInWithPreviousPassword_when_currentNoLongerWorks() {
        // GIVEN the database still on the AWSPREVIOUS password (an earlier rotation set it back)
        store.create(SECRET, "v0", secret("app", "older-password", null));
        store.putPending(SECRET, "v1", secret("app", OLD_PASSWORD, null));
        store.moveStage(SECRET, CURRENT, "v1", "v0");
        store.moveStage(SECRET, PENDING, null, "v1");
        database.passwords.put("app", "older-password");
        store.startRotation(SECRET, TOKEN);
        run(RotationStep.CREATE_SECRET);
        // WHEN
        run(RotationStep.SET_SECRET);
        // THEN
        assertThat(database.passwords.get("app")).isEqualTo(store.passwordsHandedOut.get(0));
    }

    @Test
    void setSecret_should_refuse_when_noKnownPasswordLogsIn() {
        // GIVEN
        givenSingleUserSecretInRotation();
        database.passwords.put("app", "changed-by-someone-else");
        run(RotationStep.CREATE_SECRET);
        // WHEN / THEN
        assertThatThrownBy(() -> run(RotationStep.SET_SECRET)).isInstanceOf(RotationRefusedException.class)
                .hasMessageContaining("previous, current or pending");
        assertThat(database.changes).isEmpty();
    }

    @Test
    void createSecret_should_switchToCloneUser_when_secretNamesMaster() {
        // GIVEN alternating users
        store.create(MASTER, "m1", secret("master", "master-password", null));
        store.create(SECRET, "v1", secret("app", OLD_PASSWORD, MASTER));
        store.startRotation(SECRET, TOKEN);
        // WHEN
        run(RotationStep.CREATE_SECRET);
        // THEN
        assertThat(DatabaseSecret.parse(SECRET, store.valueOf(SECRET, PENDING)).username()).isEqualTo("app_clone");
    }

    @Test
    void rotation_should_letMasterCreateCloneAndKeepCurrentUserWorking_when_alternating() {
        // GIVEN
        store.create(MASTER, "m1", secret("master", "master-password", null));
        store.create(SECRET, "v1", secret("app", OLD_PASSWORD, MASTER));
        database.passwords.put("master", "master-password");
        database.passwords.put("app", OLD_PASSWORD);
        store.startRotation(SECRET, TOKEN);
        // WHEN
        runAll();
        // THEN the clone exists as a member of app, app is untouched, the secret now names the clone
        assertThat(database.changes).containsExactly("master set app_clone");
        assertThat(database.memberOf).containsEntry("app_clone", "app");
        assertThat(database.passwords.get("app")).isEqualTo(OLD_PASSWORD);
        assertThat(DatabaseSecret.parse(SECRET, store.valueOf(SECRET, CURRENT)).username()).isEqualTo("app_clone");
    }

    @Test
    void alternateUser_should_dropSuffix_when_userIsTheClone() {
        assertThat(RotationSteps.alternateUser(SECRET, "app_clone")).isEqualTo("app");
        assertThat(RotationSteps.alternateUser(SECRET, "app")).isEqualTo("app_clone");
    }

    @Test
    void testSecret_should_fail_when_pendingPasswordDoesNotLogIn() {
        // GIVEN createSecret ran, setSecret did not
        givenSingleUserSecretInRotation();
        run(RotationStep.CREATE_SECRET);
        // WHEN / THEN
        assertThatThrownBy(() -> run(RotationStep.TEST_SECRET)).isInstanceOf(RotationRefusedException.class);
    }

    @Test
    void finishSecret_should_makePendingCurrentAndOldPrevious_when_allStepsRan() {
        // GIVEN
        givenSingleUserSecretInRotation();
        run(RotationStep.CREATE_SECRET);
        run(RotationStep.SET_SECRET);
        run(RotationStep.TEST_SECRET);
        // WHEN
        run(RotationStep.FINISH_SECRET);
        // THEN
        // (AWSPENDING stays with AWSCURRENT: for Secrets Manager that is a finished rotation; removing it is AWS's business)
        assertThat(store.stages(SECRET)).containsEntry(TOKEN, List.of(PENDING, CURRENT)).containsEntry("v1", List.of(PREVIOUS));
        assertThat(DatabaseSecret.parse(SECRET, store.valueOf(SECRET, CURRENT)).password()).isEqualTo(database.passwords.get("app"));
    }

    @Test
    void finishSecret_should_changeNothing_when_versionIsAlreadyCurrent() {
        // GIVEN a version carrying both AWSCURRENT and AWSPENDING (a finished rotation, as Secrets Manager sees it)
        givenSingleUserSecretInRotation();
        run(RotationStep.CREATE_SECRET);
        store.moveStage(SECRET, CURRENT, TOKEN, "v1");
        Map<String, List<String>> before = store.stages(SECRET);
        // WHEN
        RotationSteps.Outcome outcome = run(RotationStep.FINISH_SECRET);
        // THEN
        assertThat(outcome).isEqualTo(RotationSteps.Outcome.ALREADY_CURRENT);
        assertThat(store.stages(SECRET)).isEqualTo(before);
    }
}
