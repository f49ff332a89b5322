package com.drresponder.credentials;

import static org.assertj.core.api.Assertions.assertThat;

import com.drresponder.common.Json;
import com.drresponder.database.DatabaseTls;
import com.drresponder.testing.EmulatorClients;
import com.drresponder.testing.LocalResponder;
import com.drresponder.testing.PostgresFixture;
import com.drresponder.testing.PostgresTest;
import com.drresponder.testsupport.AwsEmulator;
import com.drresponder.testsupport.AwsEmulatorTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBCluster;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * An RDS-managed master secret is verified by a login like any other: the database comes from RDS (the secret's
 * {@code aws:rds:primaryDBClusterArn} tag, then DescribeDBClusters, in the emulator, whose RDS creates the managed secret
 * as AWS does), the logins go to a real PostgreSQL (the local difference: the emulator's endpoint is no database, so the
 * test points the found database at the embedded one, as the local deployment does for every database check). The
 * {@code deployedVerifier} tests run verify-rotation as deployed (LocalResponder), so the IAM check sees its calls.
 */
@AwsEmulatorTest
@PostgresTest
class ManagedSecretVerificationIT {
    private static PostgresFixture postgres;

    SecretsManagerClient secrets;
    RdsClient rds;
    DBCluster cluster;
    String secretArn;
    String user;
    String leakedVersion;
    RdsManagedSecretDatabases fromAws;

    @BeforeAll
    static void startPostgres(PostgresFixture started) {
        postgres = started;
    }

    @BeforeEach
    void managedCluster(AwsEmulator emulator) {
        secrets = EmulatorClients.client(SecretsManagerClient.builder(), emulator);
        rds = EmulatorClients.client(RdsClient.builder(), emulator);
        cluster = rds.createDBCluster(b -> b.dbClusterIdentifier("orders-db").engine("aurora-postgresql").masterUsername("orders_admin")
                .manageMasterUserPassword(true)).dbCluster();
        secretArn = cluster.masterUserSecret().secretArn();
        // the database user the managed secret names, with the password it holds now (the one that leaked)
        JsonNode leaked = LocalResponder.json(secrets.getSecretValue(b -> b.secretId(secretArn)).secretString());
        user = leaked.get("username").asText();
        leakedVersion = secrets.describeSecret(b -> b.secretId(secretArn)).versionIdsToStages().entrySet().stream()
                .filter(e -> e.getValue().contains("AWSCURRENT")).map(java.util.Map.Entry::getKey).findFirst().orElseThrow();
        postgres.superuser("DROP ROLE IF EXISTS \"" + user + "\"");
        postgres.createUser(user, leaked.get("password").asText(), false);
        fromAws = new RdsManagedSecretDatabases(secrets, rds);
    }

    @Test
    void managedSecret_should_beVerifiedByALoginAtItsDatabase_when_RdsRotatedIt() {
        // GIVEN RDS rotated the secret: a new AWSCURRENT, and the database user's password changed to it
        String fresh = "Fresh-" + UUID.randomUUID();
        rotate(fresh, true);

        // WHEN the rotation is verified
        RotationVerifier.Verification v = verifier().verify(rotations());

        // THEN it found the cluster through RDS, the leaked version is refused and the new one logs in
        assertThat(fromAws.of(secretArn)).get().satisfies(db -> {
            assertThat(db.arn()).isEqualTo(cluster.dbClusterArn());
            assertThat(db.engine()).isEqualTo("aurora-postgresql");
            assertThat(db.host()).isEqualTo(cluster.endpoint());
        });
        assertThat(v.ok()).as(v.summary()).isTrue();
        assertThat(v.summary()).contains("killed AWSCURRENT " + leakedVersion + " (user " + user + ")")
                .contains("new AWSCURRENT logs in as " + user).doesNotContain(fresh);
    }

    @Test
    void managedSecret_should_failVerification_when_theLeakedPasswordStillLogsIn() {
        // GIVEN a new AWSCURRENT in the secret, but the database still takes the leaked password (the change never reached it)
        rotate("Fresh-" + UUID.randomUUID(), false);

        // WHEN
        RotationVerifier.Verification v = verifier().verify(rotations());

        // THEN not verified, and it says which version still works
        assertThat(v.ok()).isFalse();
        assertThat(v.failed()).anySatisfy(f -> assertThat(f).contains("AWSCURRENT " + leakedVersion + " (as of the incident start) still logs in"));
    }

    @Test
    void managedSecret_should_failVerification_when_itsDatabaseIsNotPostgres() {
        // GIVEN the managed secret of a MySQL cluster, rotated
        DBCluster mysql = rds.createDBCluster(b -> b.dbClusterIdentifier("billing-db").engine("aurora-mysql").masterUsername("billing_admin")
                .manageMasterUserPassword(true)).dbCluster();
        String mysqlSecret = mysql.masterUserSecret().secretArn();
        secrets.putSecretValue(b -> b.secretId(mysqlSecret).secretString(Json.write(Json.object().put("username", "admin").put("password", "x"))));
        ObjectNode r = Json.object().put("secretId", mysqlSecret).put("name", "rds!cluster-billing-db").put("kind", "managed").put("outcome", "rotated");

        // WHEN
        RotationVerifier.Verification v = verifier().verify(Json.MAPPER.createArrayNode().add(r));

        // THEN no login could prove it: not verified, and says what a person checks
        assertThat(v.ok()).isFalse();
        assertThat(v.failed()).singleElement().asString().contains("RDS-managed secret of a aurora-mysql database " + mysql.dbClusterArn())
                .contains("check the old and new passwords by hand");
    }

    @Test
    void managedSecret_should_failVerification_when_noDatabaseLookupIsConfigured() {
        rotate("Fresh-" + UUID.randomUUID(), true);

        RotationVerifier.Verification v = new RotationVerifier(new SecretsManagerSecretStore(secrets),
                new JdbcPostgresPasswordChanger(DatabaseTls.disabled())).verify(rotations());

        assertThat(v.ok()).isFalse();
        assertThat(v.failed()).singleElement().asString().contains("RDS-managed, but its database").contains("not verified by a login");
    }

    @Test
    void deployedVerifier_should_findTheClusterThroughRdsAndLogIn_when_itsManagedSecretWasRotated(AwsEmulator emulator) {
        // GIVEN the managed secret opted in (an operator tags it; RDS does not) and rotated as RDS does
        optIn(secretArn);
        rotate("Fresh-" + UUID.randomUUID(), true);
        // AND verify-rotation deployed as the stack deploys it, its database connections at the local PostgreSQL
        LocalResponder responder = LocalResponder.create(emulator).localDatabase(localAddress()).function("VerifyRotation");

        // WHEN the playbook's verify step runs it (DescribeSecret, DescribeDBClusters, GetSecretValue as verify-rotation: the IAM check sees them)
        JsonNode v = invokeVerify(responder, rotations());

        // THEN the leaked version is refused at the cluster RDS names and the new one logs in
        assertThat(v.path("ok").asBoolean()).as(v.toString()).isTrue();
        assertThat(v.path("summary").asText()).contains("killed AWSCURRENT " + leakedVersion + " (user " + user + ")")
                .contains("new AWSCURRENT logs in as " + user);
    }

    @Test
    void deployedVerifier_should_findTheInstanceThroughRds_andRefuse_when_theLeakedPasswordStillLogsIn(AwsEmulator emulator) {
        // GIVEN an RDS instance's managed secret, opted in, with a new AWSCURRENT that never reached the database
        DBInstance instance = rds.createDBInstance(b -> b.dbInstanceIdentifier("ledger-db").engine("postgres").dbInstanceClass("db.t3.micro")
                .masterUsername("ledger_admin").manageMasterUserPassword(true)).dbInstance();
        String instanceSecret = instance.masterUserSecret().secretArn();
        JsonNode leaked = LocalResponder.json(secrets.getSecretValue(b -> b.secretId(instanceSecret)).secretString());
        String instanceUser = leaked.get("username").asText();
        String instanceLeaked = secrets.describeSecret(b -> b.secretId(instanceSecret)).versionIdsToStages().entrySet().stream()
                .filter(e -> e.getValue().contains("AWSCURRENT")).map(java.util.Map.Entry::getKey).findFirst().orElseThrow();
        postgres.superuser("DROP ROLE IF EXISTS \"" + instanceUser + "\"");
        postgres.createUser(instanceUser, leaked.get("password").asText(), false);
        optIn(instanceSecret);
        secrets.putSecretValue(b -> b.secretId(instanceSecret).secretString(Json.write(Json.object().put("username", instanceUser)
                .put("password", "Fresh-" + UUID.randomUUID()))));
        LocalResponder responder = LocalResponder.create(emulator).localDatabase(localAddress()).function("VerifyRotation");

        // WHEN (DescribeSecret, DescribeDBInstances, GetSecretValue as verify-rotation)
        JsonNode v = invokeVerify(responder, rotations(instanceSecret, "rds!db-ledger-db", instanceLeaked));

        // THEN not verified: the leaked password still logs in at the instance RDS names
        assertThat(v.path("ok").asBoolean()).as(v.toString()).isFalse();
        assertThat(v.path("failed").toString()).contains("AWSCURRENT " + instanceLeaked + " (as of the incident start) still logs in");
    }

    void optIn(String arn) {
        secrets.tagResource(b -> b.secretId(arn).tags(software.amazon.awssdk.services.secretsmanager.model.Tag.builder()
                .key("dr:protected").value("true").build()));
    }

    static JsonNode invokeVerify(LocalResponder responder, JsonNode rotations) {
        ObjectNode payload = Json.object().put("incidentId", "inc-" + UUID.randomUUID());
        payload.set("rotations", rotations);
        var response = responder.invoke("VerifyRotation", payload.toString());
        assertThat(response.functionError()).as(response.payload().asUtf8String()).isNull();
        return LocalResponder.json(response.payload().asUtf8String());
    }

    /** What RDS does when it rotates: a new version staged AWSCURRENT; {@code applied}: the database took the new password. */
    void rotate(String password, boolean applied) {
        secrets.putSecretValue(b -> b.secretId(secretArn).secretString(Json.write(Json.object().put("username", user).put("password", password))));
        if (applied) {
            postgres.superuser("ALTER ROLE \"" + user + "\" PASSWORD '" + password + "'");
        }
    }

    RotationVerifier verifier() {
        // the local difference: the database RDS names is reached at the embedded PostgreSQL's address
        return new RotationVerifier(new SecretsManagerSecretStore(secrets), new JdbcPostgresPasswordChanger(DatabaseTls.disabled()),
                fromAws.reachedAt(localAddress()));
    }

    static String localAddress() {
        return postgres.host() + ":" + postgres.port();
    }

    JsonNode rotations() {
        return rotations(secretArn, "rds!cluster-orders-db", leakedVersion);
    }

    static JsonNode rotations(String secretArn, String name, String leakedVersion) {
        ObjectNode r = Json.object().put("secretId", secretArn).put("name", name).put("kind", "managed").put("outcome", "rotated");
        r.putObject("startVersions").put("current", leakedVersion);
        return Json.MAPPER.createArrayNode().add(r);
    }
}
