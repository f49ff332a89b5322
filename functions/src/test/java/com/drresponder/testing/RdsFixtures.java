package com.drresponder.testing;

import com.drresponder.testsupport.AwsEmulator;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.rds.RdsClient;

/**
 * RDS resources as the restore playbook finds them in an account: a protected PostgreSQL instance in a DB subnet group,
 * or a protected Aurora PostgreSQL cluster with one writer.
 */
public final class RdsFixtures {
    private RdsFixtures() {}

    /** {@code id}, tagged {@code dr:protected=true}, in subnet group {@code <id>-subnets} (a point-in-time restore copies it). */
    public static void protectedInstance(AwsEmulator emulator, RdsClient rds, String id) {
        // moto's default VPC has subnets (no EC2 SDK module here: a raw query)
        HttpResponse<String> subnets;
        try {
            subnets = HttpClient.newHttpClient().send(HttpRequest.newBuilder(emulator.endpoint().resolve("/"))
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .header("Authorization", "AWS4-HMAC-SHA256 Credential=testing/20240101/us-east-1/ec2/aws4_request, SignedHeaders=host, Signature=0")
                            .POST(HttpRequest.BodyPublishers.ofString("Action=DescribeSubnets&Version=2016-11-15")).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        List<String> subnetIds = Pattern.compile("<subnetId>([^<]+)</subnetId>").matcher(subnets.body())
                .results().map(m -> m.group(1)).distinct().limit(2).toList();
        rds.createDBSubnetGroup(r -> r.dbSubnetGroupName(id + "-subnets").dbSubnetGroupDescription(id).subnetIds(subnetIds));
        rds.createDBInstance(r -> r.dbInstanceIdentifier(id).dbSubnetGroupName(id + "-subnets").engine("postgres").engineVersion("15.4")
                .dbInstanceClass("db.t3.micro").masterUsername("app").masterUserPassword("password-123").allocatedStorage(20)
                .backupRetentionPeriod(7).tags(t -> t.key("dr:protected").value("true")));
    }

    /** Aurora PostgreSQL cluster {@code id}, tagged {@code dr:protected=true}, with its writer {@code <id>-1}. */
    public static void protectedCluster(RdsClient rds, String id) {
        rds.createDBCluster(r -> r.dbClusterIdentifier(id).engine("aurora-postgresql").engineVersion("15.4").masterUsername("app")
                .masterUserPassword("password-123").storageEncrypted(true).backupRetentionPeriod(7).tags(t -> t.key("dr:protected").value("true")));
        rds.createDBInstance(r -> r.dbInstanceIdentifier(id + "-1").dbClusterIdentifier(id).engine("aurora-postgresql").dbInstanceClass("db.r6g.large"));
    }
}
