package com.drresponder.testing;

import com.drresponder.common.Json;
import com.drresponder.testsupport.AwsEmulator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.Tag;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * The database playbooks' world in the emulator, shared by the restore and failover ITs and benchmarks: protected
 * databases as an account holds them, the secret their verification reads, and a playbook deployed with the
 * stack's default targets.
 */
public final class RestoreEstate {
    /** Every fixture database's master password (a secret value: the ITs check no execution history shows it). */
    public static final String MASTER_PASSWORD = "password-123";
    /** The stack's default RTO/RPO targets, the parameters of the restore and failover state machines. */
    public static final Map<String, String> TARGETS = Map.of("RtoTargetMinutes", "60", "RpoTargetMinutes", "5");
    /** How many rows {@link #ordersWrittenUntilJustBeforeRestore} writes. */
    public static final int ORDERS = 25;

    private RestoreEstate() {}

    /**
     * The responder with {@code playbook}'s functions, their database connections sent to {@code postgres} (moto's RDS
     * endpoints are no databases; the local deployment's local database address, never a request, points them there).
     */
    public static LocalResponder responderVerifyingOn(AwsEmulator emulator, PostgresFixture postgres, String playbook) {
        return LocalResponder.create(emulator).localDatabase("localhost:" + postgres.port()).functionsOf(playbook);
    }

    /**
     * The source's data as verification reads it, afresh: {@code orders}, {@value #ORDERS} rows, the newest written 30 s before the
     * restore point, as on a table written continuously (the freshness lower bound).
     */
    public static void ordersWrittenUntilJustBeforeRestore(PostgresFixture postgres) {
        postgres.superuser("DROP TABLE IF EXISTS orders");
        postgres.ordersTable(ORDERS, "30 seconds");
    }

    /** Deploys {@code playbook} (restore or failover; its functions deployed already) with {@link #TARGETS}; its ARN. */
    public static String deployPlaybook(LocalResponder responder, String playbook) {
        return responder.playbook(playbook, TARGETS);
    }

    /** A PostgreSQL instance {@code id}, tagged {@code dr:protected=true}, in subnet group {@code <id>-subnets} (a restore copies it). */
    public static void protectedInstance(AwsEmulator emulator, RdsClient rds, String id) {
        rds.createDBSubnetGroup(r -> r.dbSubnetGroupName(id + "-subnets").dbSubnetGroupDescription(id).subnetIds(emulator.defaultSubnetIds(2)));
        rds.createDBInstance(r -> r.dbInstanceIdentifier(id).dbSubnetGroupName(id + "-subnets").engine("postgres").engineVersion("15.4")
                .dbInstanceClass("db.t3.micro").masterUsername("app").masterUserPassword(MASTER_PASSWORD).allocatedStorage(20)
                .backupRetentionPeriod(7).tags(t -> t.key("dr:protected").value("true")));
    }

    /** An encrypted Aurora PostgreSQL cluster {@code id}, tagged {@code dr:protected=true} and {@code tags}, with writer {@code <id>-1}. */
    public static void protectedCluster(RdsClient rds, String id, Tag... tags) {
        List<Tag> all = new ArrayList<>(List.of(tags));
        all.add(Tag.builder().key("dr:protected").value("true").build());
        rds.createDBCluster(r -> r.dbClusterIdentifier(id).engine("aurora-postgresql").engineVersion("15.4").masterUsername("app")
                .masterUserPassword(MASTER_PASSWORD).storageEncrypted(true).backupRetentionPeriod(7).tags(all));
        rds.createDBInstance(r -> r.dbInstanceIdentifier(id + "-1").dbClusterIdentifier(id).engine("aurora-postgresql")
                .dbInstanceClass("db.r6g.large"));
    }

    /**
     * The secret {@code name} that verification reads for {@code database} (linked by its {@code dr:database} tag):
     * user postgres, whom the embedded server trusts; the password is what must never leak.
     */
    public static void verifySecret(AwsEmulator emulator, String name, String database, String password) {
        EmulatorClients.of(emulator, SecretsManagerClient.builder()).createSecret(r -> r.name(name)
                .secretString(Json.object().put("username", "postgres").put("password", password).put("host", database + ".local")
                        .put("port", 5432).put("dbname", "postgres").toString())
                .tags(t -> t.key("dr:database").value(database)));
    }
}
