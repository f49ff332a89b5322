package com.drresponder.infra.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The whole deploy-time configuration of DR Responder, in one typed place.
 *
 * <p>Loaded by {@link DrConfigLoader} from the CDK context key {@code drResponder} and/or the file
 * {@code infra-cdk/dr-config.json}; every field has a default (see {@link #defaults()}) and is
 * validated by {@link DrConfigLoader#fromMap(Map)}, which names the field and the allowed values
 * when something is wrong.
 *
 * @param protectionTagKey       opt-in tag key; a resource is in scope only when it carries this tag with value {@code true}
 * @param protectedResources     allow-list of resource ARNs ({@code *} = any tagged resource); empty = nothing in scope
 * @param mode                   {@code dry-run} (plan and notify only) or {@code enforce} (act)
 * @param guardDutyMinSeverity   GuardDuty findings below this severity are ignored
 * @param findingActions         GuardDuty finding-type prefix -> actions to take
 * @param notificationEmails     e-mail addresses subscribed to the notification topic
 * @param rtoTargetMinutes       database recovery-time objective
 * @param rpoTargetMinutes       database recovery-point objective
 * @param lambdaRtoTargetMinutes Lambda rollback recovery-time objective
 * @param drillSchedule          EventBridge schedule expression for the DR drill, or {@code null} for no drill
 * @param drillTargets           what the scheduled drill restores: each a restore request without {@code playbook}
 *                               and {@code mode} ({@code clusterId} or {@code instanceId}, {@code verify}, ...)
 * @param verifyWindowMinutes    how long a playbook watches health after acting
 * @param maxRollbacksPerHour    circuit breaker: rollbacks per resource per hour
 * @param cooldownMinutes        minimum time between two playbooks on the same resource
 * @param vpc                    optional VPC placement for functions that must reach a database
 * @param operatorPrincipals     IAM role/user ARNs allowed to put manual requests on the stack's manual bus; empty = nobody
 *                               (operators then start playbooks with StartExecution, which IAM authorises)
 * @param restoreWithoutApproval database ARNs whose destructive restores (rename/config cut-over, a restore
 *                               time other than latest) may run without a person approving; every other
 *                               database waits at the approval gate for them
 * @param wafSafelist            IPv4/IPv6 CIDR blocks the credential playbook never puts in the WAF block lists (own
 *                               NAT gateways, health checkers, partners)
 * @param lockTtlMinutes         the resource lock's lease: how long a lock outlives its playbook's last heartbeat (each
 *                               step and poll renews it), so a crashed playbook frees its resource after this long
 * @param autoRestoreEventIds    RDS event ids ({@code RDS-EVENT-0049}) that start a restore on their own; every other
 *                               RDS event the rule passes only proposes one (a restore is a big step)
 * @param passwordLength         length of the passwords secret-rotation draws (8-99: RDS master passwords stop at 99)
 * @param passwordExcludeCharacters characters rotated passwords never contain (connection strings, shell quoting)
 * @param mutatingStartsPerMinute the global start guard: mutating playbook starts a minute (and burst) in the account
 *                               and region; more wait in the ledger and start in order (P1 first)
 * @param blockHours             how long the credential playbook's WAF blocks last (the sweeper removes them then)
 * @param wafMaxBlocksPerIncident addresses one incident may put in the WAF block lists; the rest are listed as not blocked
 * @param rotationMaxChecks      checks of a rotation (5 s apart) before an AWSPENDING version counts as stuck and the
 *                               secret escalates
 * @param alarmMaxAgeMinutes     how old an alarm's transition may be when the rollback acts on it: an older event (a
 *                               delayed async delivery, a replay from an archive or DLQ) is recorded and ignored
 * @param failoverRegions        Regions besides the stack's own where an Aurora Global Database secondary may take over
 *                               (fail-over-database calls them from a Java step; grants name exactly these Regions); empty: none
 * @param snapshotRetentionDays  how long the snapshots the restore playbook takes are kept (their {@code dr:expires}); the
 *                               daily sweeper deletes them then
 * @param manualSnapshotQuota    the account's manual-snapshot quota per kind (RDS default 100, raised by a quota
 *                               increase); the sweeper reports headroom against it and an alarm fires below
 *                               {@link #SNAPSHOT_HEADROOM_ALARM} left
 */
public record DrConfig(
        String protectionTagKey,
        List<String> protectedResources,
        Mode mode,
        double guardDutyMinSeverity,
        Map<String, List<String>> findingActions,
        List<String> notificationEmails,
        int rtoTargetMinutes,
        int rpoTargetMinutes,
        int lambdaRtoTargetMinutes,
        String drillSchedule,
        List<Map<String, Object>> drillTargets,
        int verifyWindowMinutes,
        int maxRollbacksPerHour,
        int cooldownMinutes,
        VpcConfig vpc,
        List<String> operatorPrincipals,
        List<String> restoreWithoutApproval,
        List<String> wafSafelist,
        int lockTtlMinutes,
        List<String> autoRestoreEventIds,
        int passwordLength,
        String passwordExcludeCharacters,
        int mutatingStartsPerMinute,
        int blockHours,
        int wafMaxBlocksPerIncident,
        int rotationMaxChecks,
        int alarmMaxAgeMinutes,
        List<String> failoverRegions,
        int snapshotRetentionDays,
        int manualSnapshotQuota) {

    public static final String DEFAULT_TAG_KEY = "dr:protected";
    public static final String DEFAULT_DRILL_SCHEDULE = "cron(0 3 1 * ? *)";
    public static final int DEFAULT_LOCK_TTL_MINUTES = 120;
    /** The start guard's default: above a 20-alias storm, below Lambda's and Step Functions' control-plane rates. */
    public static final int DEFAULT_MUTATING_STARTS_PER_MINUTE = 30;
    /** An alarm event acted on within the Lambda RTO target (15 min) is current; older ones come from queues and replays. */
    public static final int DEFAULT_ALARM_MAX_AGE_MINUTES = 15;
    /** A lease must outlast the longest gap between two heartbeats: a restore polls at most every 60 min (pollSeconds). */
    public static final int MIN_LOCK_TTL_MINUTES = 65;
    /** The rotation's password defaults (the functions' RotationSettings holds the same). */
    public static final int DEFAULT_PASSWORD_LENGTH = 32;
    public static final String DEFAULT_PASSWORD_EXCLUDE_CHARACTERS = "/@\"'\\";
    /** The credential playbook's defaults (the functions' CredentialSettings holds the same). */
    public static final int DEFAULT_BLOCK_HOURS = 24;
    public static final int DEFAULT_WAF_MAX_BLOCKS_PER_INCIDENT = 50;
    public static final int DEFAULT_ROTATION_MAX_CHECKS = 60;
    /** The restore playbook's snapshot retention (the functions' RestoreSettings holds the same default). */
    public static final int DEFAULT_SNAPSHOT_RETENTION_DAYS = 30;
    /** RDS's default manual-snapshot quota (per kind: cluster, instance). */
    public static final int DEFAULT_MANUAL_SNAPSHOT_QUOTA = 100;
    /** Alarm when fewer manual snapshots than this are left: a restore and its drills take two or three. */
    public static final int SNAPSHOT_HEADROOM_ALARM = 10;

    /** Actions a GuardDuty finding may trigger (the security runbook's steps). */
    public static final List<String> FINDING_ACTIONS = List.of("notify", "rotate-secrets", "revoke-credentials", "block-ip");

    public DrConfig {
        Objects.requireNonNull(protectionTagKey, "protectionTagKey");
        Objects.requireNonNull(mode, "mode");
        protectedResources = List.copyOf(protectedResources);
        drillTargets = List.copyOf(drillTargets);
        notificationEmails = List.copyOf(notificationEmails);
        operatorPrincipals = operatorPrincipals == null ? List.of() : List.copyOf(operatorPrincipals);
        restoreWithoutApproval = restoreWithoutApproval == null ? List.of() : List.copyOf(restoreWithoutApproval);
        wafSafelist = wafSafelist == null ? List.of() : List.copyOf(wafSafelist);
        autoRestoreEventIds = autoRestoreEventIds == null ? List.of() : List.copyOf(autoRestoreEventIds);
        failoverRegions = failoverRegions == null ? List.of() : List.copyOf(failoverRegions);
        Objects.requireNonNull(passwordExcludeCharacters, "passwordExcludeCharacters");
        Map<String, List<String>> copy = new LinkedHashMap<>();
        findingActions.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        findingActions = java.util.Collections.unmodifiableMap(copy);
    }

    /** Without operator principals (nobody may put manual requests on the manual bus) and with every destructive restore approved by a person. */
    public DrConfig(String protectionTagKey, List<String> protectedResources, Mode mode, double guardDutyMinSeverity,
                    Map<String, List<String>> findingActions, List<String> notificationEmails, int rtoTargetMinutes, int rpoTargetMinutes,
                    int lambdaRtoTargetMinutes, String drillSchedule, List<Map<String, Object>> drillTargets, int verifyWindowMinutes,
                    int maxRollbacksPerHour, int cooldownMinutes, VpcConfig vpc) {
        this(protectionTagKey, protectedResources, mode, guardDutyMinSeverity, findingActions, notificationEmails, rtoTargetMinutes,
                rpoTargetMinutes, lambdaRtoTargetMinutes, drillSchedule, drillTargets, verifyWindowMinutes, maxRollbacksPerHour,
                cooldownMinutes, vpc, List.of(), List.of(), List.of(), DEFAULT_LOCK_TTL_MINUTES, List.of(), DEFAULT_PASSWORD_LENGTH,
                DEFAULT_PASSWORD_EXCLUDE_CHARACTERS, DEFAULT_MUTATING_STARTS_PER_MINUTE, DEFAULT_BLOCK_HOURS,
                DEFAULT_WAF_MAX_BLOCKS_PER_INCIDENT, DEFAULT_ROTATION_MAX_CHECKS,
                DEFAULT_ALARM_MAX_AGE_MINUTES, List.of(), DEFAULT_SNAPSHOT_RETENTION_DAYS, DEFAULT_MANUAL_SNAPSHOT_QUOTA);
    }

    /** Global operating mode. */
    public enum Mode {
        DRY_RUN("dry-run"), ENFORCE("enforce");

        private final String value;

        Mode(String value) { this.value = value; }

        /** The value used in configuration and in the {@code DR_MODE} environment variable. */
        public String value() { return value; }
    }

    /**
     * VPC placement for functions that must reach a database (e.g. the data verifier).
     *
     * @param vpcId            {@code vpc-...}
     * @param subnetIds        private subnets, {@code subnet-...}
     * @param securityGroupIds {@code sg-...}
     */
    public record VpcConfig(String vpcId, List<String> subnetIds, List<String> securityGroupIds) {
        public VpcConfig {
            subnetIds = List.copyOf(subnetIds);
            securityGroupIds = List.copyOf(securityGroupIds);
        }
    }

    /**
     * Default finding-type prefix -> actions, following the security runbook: every IAM-user finding contains the
     * key, rotates what the user can read and blocks the caller; credential access (IAM or RDS) does the same;
     * failed logins only notify (nothing leaked). The functions' {@code FindingActions.DEFAULT} and
     * {@code dr-config.example.json} state the same map (pinned by tests on both sides).
     */
    public static Map<String, List<String>> defaultFindingActions() {
        Map<String, List<String>> m = new LinkedHashMap<>();
        List<String> compromisedUser = List.of("revoke-credentials", "rotate-secrets", "block-ip", "notify");
        for (String purpose : List.of("DefenseEvasion", "Discovery", "Exfiltration", "Impact", "InitialAccess", "PenTest",
                "Persistence", "Policy", "PrivilegeEscalation", "Recon", "Stealth", "UnauthorizedAccess")) {
            m.put(purpose + ":IAMUser/", compromisedUser);
        }
        m.put("CredentialAccess:", compromisedUser);
        for (String source : List.of("AnomalousBehavior", "MaliciousIPCaller", "TorIPCaller")) {
            m.put("CredentialAccess:RDS/" + source + ".FailedLogin", List.of("notify"));
        }
        return m;
    }

    /** The configuration used when nothing is configured: dry-run, nothing in scope. */
    public static DrConfig defaults() {
        return new DrConfig(DEFAULT_TAG_KEY, List.of(), Mode.DRY_RUN, 7.0, defaultFindingActions(), List.of(),
                60, 5, 15, DEFAULT_DRILL_SCHEDULE, List.of(), 10, 3, 30, null, List.of(), List.of(), List.of(), DEFAULT_LOCK_TTL_MINUTES,
                List.of(), DEFAULT_PASSWORD_LENGTH, DEFAULT_PASSWORD_EXCLUDE_CHARACTERS, DEFAULT_MUTATING_STARTS_PER_MINUTE,
                DEFAULT_BLOCK_HOURS, DEFAULT_WAF_MAX_BLOCKS_PER_INCIDENT, DEFAULT_ROTATION_MAX_CHECKS,
                DEFAULT_ALARM_MAX_AGE_MINUTES, List.of(), DEFAULT_SNAPSHOT_RETENTION_DAYS, DEFAULT_MANUAL_SNAPSHOT_QUOTA);
    }

    public boolean enforce() { return mode == Mode.ENFORCE; }
}
