package com.drresponder.failover;

import com.drresponder.common.AwsClients;
import com.drresponder.common.Environment;
import com.drresponder.common.Settings;
import com.drresponder.playbook.InvalidRequestException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.rds.RdsClient;

/**
 * The Regions an Aurora Global Database failover may reach: the deployment's own and its {@code failoverRegions}
 * ({@value #VARIABLE}). Step Functions' aws-sdk integrations call only the state machine's own Region, so the calls
 * to a secondary's Region are made by Java steps with a client for that Region, taken from the secondary's ARN and
 * checked here first: an ARN naming any other Region is never called. One client per Region, built once.
 */
public final class FailoverRegions {
    public static final String VARIABLE = "FAILOVER_REGIONS";

    private final String home;
    private final Set<String> allowed;
    private final Function<String, RdsClient> rdsFactory;
    private final Function<String, CloudWatchClient> cloudWatchFactory;
    private final Map<String, RdsClient> rds = new ConcurrentHashMap<>();
    private final Map<String, CloudWatchClient> cloudWatch = new ConcurrentHashMap<>();

    public FailoverRegions(String home, Set<String> allowed, Function<String, RdsClient> rds, Function<String, CloudWatchClient> cloudWatch) {
        this.home = home;
        this.allowed = Set.copyOf(allowed);
        this.rdsFactory = rds;
        this.cloudWatchFactory = cloudWatch;
    }

    /** From the function's environment: {@code AWS_REGION} and {@value #VARIABLE} (comma-separated). */
    public static FailoverRegions fromEnvironment() {
        return new FailoverRegions(AwsClients.region().id(), Settings.commaList(Environment.variables().get(VARIABLE)),
                r -> AwsClients.create(RdsClient.builder(), Region.of(r)), r -> AwsClients.create(CloudWatchClient.builder(), Region.of(r)));
    }

    public boolean allows(String region) {
        return region != null && (region.equals(home) || allowed.contains(region));
    }

    public String home() {
        return home;
    }

    /** The Region of an RDS ARN ({@code arn:aws:rds:<region>:...}), or null. */
    public static String regionOf(String arn) {
        String[] parts = arn == null ? new String[0] : arn.split(":");
        return parts.length > 3 && !parts[3].isEmpty() ? parts[3] : null;
    }

    /** The Region of {@code arn}, refused unless allowed. */
    public String require(String field, String arn) {
        String region = regionOf(arn);
        if (!allows(region)) {
            throw new InvalidRequestException(field, arn + " is in " + region + ", which is not one of the deployment's Regions ("
                    + home + (allowed.isEmpty() ? "" : ", " + String.join(", ", allowed.stream().sorted().toList())) + "; config failoverRegions)");
        }
        return region;
    }

    public RdsClient rds(String region) {
        require("region", "arn:aws:rds:" + region + ":");
        return rds.computeIfAbsent(region, rdsFactory);
    }

    public CloudWatchClient cloudWatch(String region) {
        require("region", "arn:aws:rds:" + region + ":");
        return cloudWatch.computeIfAbsent(region, cloudWatchFactory);
    }
}
