package com.drresponder.infra.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DrConfigLoaderTest {

    @TempDir
    Path dir;

    @Test
    void fromMap_should_returnDefaults_when_nothingConfigured() {
        DrConfig config = DrConfigLoader.fromMap(Map.of());

        assertThat(config).isEqualTo(DrConfig.defaults());
        assertThat(config.protectionTagKey()).isEqualTo("dr:protected");
        assertThat(config.protectedResources()).isEmpty();
        assertThat(config.mode()).isEqualTo(DrConfig.Mode.DRY_RUN);
        assertThat(config.guardDutyMinSeverity()).isEqualTo(7.0);
        assertThat(config.notificationEmails()).isEmpty();
        assertThat(config.rtoTargetMinutes()).isEqualTo(60);
        assertThat(config.rpoTargetMinutes()).isEqualTo(5);
        assertThat(config.lambdaRtoTargetMinutes()).isEqualTo(15);
        assertThat(config.drillSchedule()).isEqualTo("cron(0 3 1 * ? *)");
        assertThat(config.verifyWindowMinutes()).isEqualTo(10);
        assertThat(config.maxRollbacksPerHour()).isEqualTo(3);
        assertThat(config.cooldownMinutes()).isEqualTo(30);
        assertThat(config.vpc()).isNull();
    }

    @Test
    void fromMap_should_readEveryField_when_allAreValid() {
        DrConfig config = DrConfigLoader.fromMap(Map.ofEntries(
                Map.entry("protectionTagKey", "team:dr"),
                Map.entry("protectedResources", List.of("arn:aws:lambda:eu-west-1:123456789012:function:orders", "*")),
                Map.entry("mode", "enforce"),
                Map.entry("guardDutyMinSeverity", 5),
                Map.entry("findingActions", Map.of("CredentialAccess:", List.of("rotate-secrets"))),
                Map.entry("notificationEmails", List.of("oncall@example.com")),
                Map.entry("rtoTargetMinutes", 30),
                Map.entry("rpoTargetMinutes", 1),
                Map.entry("lambdaRtoTargetMinutes", 5),
                Map.entry("drillSchedule", "rate(7 days)"),
                Map.entry("verifyWindowMinutes", 3),
                Map.entry("maxRollbacksPerHour", 2),
                Map.entry("cooldownMinutes", 0),
                Map.entry("vpc", Map.of("vpcId", "vpc-0123456789abcdef0", "subnetIds", List.of("subnet-0123456789abcdef0"),
                        "securityGroupIds", List.of("sg-0123456789abcdef0")))));

        assertThat(config.enforce()).isTrue();
        assertThat(config.protectionTagKey()).isEqualTo("team:dr");
        assertThat(config.guardDutyMinSeverity()).isEqualTo(5.0);
        assertThat(config.findingActions()).containsExactly(Map.entry("CredentialAccess:", List.of("rotate-secrets")));
        assertThat(config.drillSchedule()).isEqualTo("rate(7 days)");
        assertThat(config.vpc().subnetIds()).containsExactly("subnet-0123456789abcdef0");
    }

    @Test
    void fromMap_should_disableDrill_when_drillScheduleIsNull() {
        java.util.HashMap<String, Object> raw = new java.util.HashMap<>();
        raw.put("drillSchedule", null);

        assertThat(DrConfigLoader.fromMap(raw).drillSchedule()).isNull();
    }

    @Test
    void fromMap_should_nameFieldAndAllowedValues_when_modeIsInvalid() {
        assertThatThrownBy(() -> DrConfigLoader.fromMap(Map.of("mode", "yes")))
                .isInstanceOf(DrConfigException.class)
                .hasMessage("drResponder.mode must be \"enforce\" or \"dry-run\", got \"yes\"");
    }

    @Test
    void fromMap_should_listKnownFields_when_fieldIsUnknown() {
        assertThatThrownBy(() -> DrConfigLoader.fromMap(Map.of("rtoTarget", 5)))
                .hasMessageStartingWith("drResponder.rtoTarget is not a known field")
                .hasMessageContaining("rtoTargetMinutes");
    }

    @Test
    void fromMap_should_nameRange_when_severityOutOfRange() {
        assertThatThrownBy(() -> DrConfigLoader.fromMap(Map.of("guardDutyMinSeverity", 11)))
                .hasMessageStartingWith("drResponder.guardDutyMinSeverity must be a number from 1.0 to 10.0");
    }

    @Test
    void fromMap_should_nameType_when_severityIsNotANumber() {
        assertThatThrownBy(() -> DrConfigLoader.fromMap(Map.of("guardDutyMinSeverity", "high")))
                .hasMessage("drResponder.guardDutyMinSeverity must be a number, got \"high\"");
    }

    @Test
    void fromMap_should_rejectAFraction_when_aWholeNumberIsExpected() {
        assertThatThrownBy(() -> DrConfigLoader.fromMap(Map.of("maxRollbacksPerHour", 1.5)))
                .hasMessageStartingWith("drResponder.maxRollbacksPerHour must be a whole number");
    }

    /** Whole-number settings: the default, a value read as given, and one outside the range refused naming it. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "rtoTargetMinutes,        60,  90, 0,  1 to 10080",
        "lockTtlMinutes,          120, 90, 30, 65 to 1440", // no shorter than the longest poll
        "mutatingStartsPerMinute, 30,  5,  0,  1 to 1000",
        "cooldownMinutes,         30,  0,  -1, 0 to 1440",
        "alarmMaxAgeMinutes,      15,  60, 0,  1 to 1440",
    })
    void fromMap_should_readTheSetting_and_refuseOneOutOfRange_when_configured(String key, int byDefault, int given, int outOfRange,
                                                                             String range) throws Exception {
        assertThat(DrConfig.class.getMethod(key).invoke(DrConfigLoader.fromMap(Map.of()))).isEqualTo(byDefault);
        assertThat(DrConfig.class.getMethod(key).invoke(DrConfigLoader.fromMap(Map.of(key, given)))).isEqualTo(given);
        assertThatThrownBy(() -> DrConfigLoader.fromMap(Map.of(key, outOfRange)))
                .hasMessage("drResponder." + key + " must be a whole number from " + range + ", got " + outOfRange);
    }

    @Test
    void fromMap_should_nameEntry_when_protectedResourceIsNotAnArn() {
        assertThatThrownBy(() -> DrConfigLoader.fromMap(Map.of("protectedResources", List.of("orders-function"))))
                .hasMessage("drResponder.protectedResources entries must be resource ARNs (arn:aws:...) or \"*\", got \"orders-function\"");
    }

    @Test
    void fromMap_should_readDatabases_when_restoreWithoutApprovalNamesThem() {
        String arn = "arn:aws:rds:eu-west-1:123456789012:cluster:orders-db";
        assertThat(DrConfigLoader.fromMap(Map.of("restoreWithoutApproval", List.of(arn))).restoreWithoutApproval()).containsExactly(arn);
        assertThat(DrConfigLoader.fromMap(Map.of()).restoreWithoutApproval()).isEmpty();
    }

    @Test
    void fromMap_should_nameEntry_when_restoreWithoutApprovalIsAWildcardOrNotADatabase() {
        assertThatThrownBy(() -> DrConfigLoader.fromMap(Map.of("restoreWithoutApproval", List.of("*"))))
                .hasMessageStartingWith("drResponder.restoreWithoutApproval entries must be the ARN of an Aurora cluster or RDS instance")
                .hasMessageEndingWith("got \"*\"");
        assertThatThrownBy(() -> DrConfigLoader.fromMap(Map.of("restoreWithoutApproval", List.of("arn:aws:lambda:eu-west-1:123456789012:function:x"))))
                .hasMessageStartingWith("drResponder.restoreWithoutApproval entries must be the ARN");
    }

    @Test
    void fromMap_should_rejectAwsPrefix_when_tagKeyIsReserved() {
        assertThatThrownBy(() -> DrConfigLoader.fromMap(Map.of("protectionTagKey", "aws:protected")))
                .hasMessageStartingWith("drResponder.protectionTagKey must be a tag key");
    }

    @Test
    void fromMap_should_listAllowedActions_when_findingActionIsUnknown() {
        assertThatThrownBy(() -> DrConfigLoader.fromMap(Map.of("findingActions", Map.of("Recon:", List.of("nuke")))))
                .hasMessage("drResponder.findingActions.Recon: actions must be one of \"notify\", \"rotate-secrets\", "
                        + "\"revoke-credentials\", \"block-ip\", got \"nuke\"");
    }

    @Test
    void fromMap_should_nameField_when_emailIsInvalid() {
        assertThatThrownBy(() -> DrConfigLoader.fromMap(Map.of("notificationEmails", List.of("oncall"))))
                .hasMessageStartingWith("drResponder.notificationEmails entries must be e-mail addresses");
    }

    @Test
    void fromMap_should_nameFormat_when_drillScheduleIsNotAScheduleExpression() {
        assertThatThrownBy(() -> DrConfigLoader.fromMap(Map.of("drillSchedule", "monthly")))
                .hasMessageStartingWith("drResponder.drillSchedule must be an EventBridge schedule expression")
                .hasMessageEndingWith("got \"monthly\"");
    }

    @Test
    void fromMap_should_nameSubField_when_vpcSubnetsMissing() {
        assertThatThrownBy(() -> DrConfigLoader.fromMap(Map.of("vpc", Map.of("vpcId", "vpc-0123456789abcdef0",
                "subnetIds", List.of(), "securityGroupIds", List.of("sg-0123456789abcdef0")))))
                .hasMessageStartingWith("drResponder.vpc.subnetIds must be a non-empty list of subnet ids");
    }

    @Test
    void fromMap_should_nameSubField_when_vpcIdInvalid() {
        assertThatThrownBy(() -> DrConfigLoader.fromMap(Map.of("vpc", Map.of("vpcId", "main"))))
                .hasMessage("drResponder.vpc.vpcId must be a VPC id (vpc-0123456789abcdef0), got \"main\"");
    }

    @Test
    void load_should_readFile_when_defaultFileExists() throws Exception {
        Files.writeString(dir.resolve("dr-config.json"), "{\"mode\": \"enforce\", \"rtoTargetMinutes\": 45}");

        DrConfig config = DrConfigLoader.load(null, null, dir);

        assertThat(config.enforce()).isTrue();
        assertThat(config.rtoTargetMinutes()).isEqualTo(45);
    }

    @Test
    void load_should_overrideFileFieldByField_when_contextAlsoGiven() throws Exception {
        Files.writeString(dir.resolve("dr-config.json"), "{\"mode\": \"enforce\", \"rtoTargetMinutes\": 45}");

        DrConfig config = DrConfigLoader.load(null, Map.of("rtoTargetMinutes", 20), dir);

        assertThat(config.enforce()).isTrue();
        assertThat(config.rtoTargetMinutes()).isEqualTo(20);
    }

    @Test
    void load_should_parseJsonString_when_contextGivenOnCommandLine() {
        DrConfig config = DrConfigLoader.load(null, "{\"mode\":\"enforce\"}", dir);

        assertThat(config.enforce()).isTrue();
    }

    @Test
    void load_should_readNamedFile_when_configFileContextSet() throws Exception {
        Files.writeString(dir.resolve("prod.json"), "{\"cooldownMinutes\": 5}");

        assertThat(DrConfigLoader.load("prod.json", null, dir).cooldownMinutes()).isEqualTo(5);
    }

    @Test
    void load_should_fail_when_namedFileMissing() {
        assertThatThrownBy(() -> DrConfigLoader.load("missing.json", null, dir))
                .hasMessageContaining("configFile").hasMessageContaining("does not exist");
    }

    @Test
    void load_should_nameFile_when_fileIsNotJson() throws Exception {
        Files.writeString(dir.resolve("dr-config.json"), "mode: enforce");

        assertThatThrownBy(() -> DrConfigLoader.load(null, null, dir))
                .isInstanceOf(DrConfigException.class)
                .hasMessageContaining("dr-config.json is not valid JSON");
    }

    @Test
    void load_should_nameContextKey_when_contextIsNotAnObject() {
        assertThatThrownBy(() -> DrConfigLoader.load(null, "[1,2]", dir))
                .hasMessageStartingWith("context drResponder must be a JSON object");
    }

    @Test
    void fromMap_should_readTheCredentialPlaybooksSettings_when_set() {
        DrConfig config = DrConfigLoader.fromMap(Map.of("blockHours", 6, "wafMaxBlocksPerIncident", 10, "rotationMaxChecks", 30));

        assertThat(config.blockHours()).isEqualTo(6);
        assertThat(config.wafMaxBlocksPerIncident()).isEqualTo(10);
        assertThat(config.rotationMaxChecks()).isEqualTo(30);
        // AND unset, the functions' own defaults (CredentialSettingsTest pins those)
        assertThat(DrConfig.defaults()).extracting(DrConfig::blockHours, DrConfig::wafMaxBlocksPerIncident, DrConfig::rotationMaxChecks)
                .containsExactly(24, 50, 60);
    }

    @Test
    void fromMap_should_readTheRestoreSnapshotSettings_when_set_and_default_to30DaysAndRdsQuota() {
        DrConfig config = DrConfigLoader.fromMap(Map.of("snapshotRetentionDays", 7, "manualSnapshotQuota", 500));

        assertThat(config.snapshotRetentionDays()).isEqualTo(7);
        assertThat(config.manualSnapshotQuota()).isEqualTo(500);
        // AND unset: 30 days (the functions' RestoreSettings default, pinned by RestoreSettingsTest) and RDS's quota of 100
        assertThat(DrConfig.defaults()).extracting(DrConfig::snapshotRetentionDays, DrConfig::manualSnapshotQuota).containsExactly(30, 100);
    }

    @Test
    void fromMap_should_nameTheFieldAndRange_when_aSnapshotSettingIsOutOfRange() {
        assertThatThrownBy(() -> DrConfigLoader.fromMap(Map.of("snapshotRetentionDays", 0)))
                .hasMessageStartingWith("drResponder.snapshotRetentionDays must be a whole number from 1 to 3650, got 0");
        assertThatThrownBy(() -> DrConfigLoader.fromMap(Map.of("snapshotRetentionDays", "30")))
                .hasMessageStartingWith("drResponder.snapshotRetentionDays must be a whole number from 1 to 3650, got \"30\"");
        // a quota at or below the headroom alarm's threshold would keep the alarm firing
        assertThatThrownBy(() -> DrConfigLoader.fromMap(Map.of("manualSnapshotQuota", 10)))
                .hasMessageStartingWith("drResponder.manualSnapshotQuota must be a whole number from 11 to 100000, got 10");
    }

    @Test
    void fromMap_should_nameTheFieldAndRange_when_aCredentialSettingIsOutOfRange() {
        assertThatThrownBy(() -> DrConfigLoader.fromMap(Map.of("blockHours", 0)))
                .hasMessageStartingWith("drResponder.blockHours must be a whole number from 1 to 720, got 0");
        assertThatThrownBy(() -> DrConfigLoader.fromMap(Map.of("blockHours", 1.5)))
                .hasMessageStartingWith("drResponder.blockHours must be a whole number from 1 to 720");
        assertThatThrownBy(() -> DrConfigLoader.fromMap(Map.of("wafMaxBlocksPerIncident", 1001)))
                .hasMessageStartingWith("drResponder.wafMaxBlocksPerIncident must be a whole number from 1 to 1000, got 1001");
        assertThatThrownBy(() -> DrConfigLoader.fromMap(Map.of("wafMaxBlocksPerIncident", "50")))
                .hasMessageStartingWith("drResponder.wafMaxBlocksPerIncident must be a whole number from 1 to 1000, got \"50\"");
        // the credential playbook's timeout is sized for at most MAX_ROTATION_CHECKS
        assertThatThrownBy(() -> DrConfigLoader.fromMap(Map.of("rotationMaxChecks", com.drresponder.catalog.Catalog.MAX_ROTATION_CHECKS + 1)))
                .hasMessageStartingWith("drResponder.rotationMaxChecks must be a whole number from 1 to " + com.drresponder.catalog.Catalog.MAX_ROTATION_CHECKS);
        assertThatThrownBy(() -> DrConfigLoader.fromMap(Map.of("rotationMaxChecks", 0)))
                .hasMessageStartingWith("drResponder.rotationMaxChecks must be a whole number from 1 to");
    }

    @Test
    void readme_should_documentEveryConfigField_when_read() throws Exception {
        // infra-cdk/README.md's configuration table has a row per field the loader accepts
        String readme = java.nio.file.Files.readString(Path.of("").toAbsolutePath().resolve("README.md"));
        for (String field : DrConfigLoader.FIELDS) {
            assertThat(readme).as("infra-cdk/README.md documents config field %s", field).contains("| `" + field + "` |");
        }
    }

    @Test
    void load_should_acceptTheDocumentedExample_when_copiedAsIs() {
        // GIVEN infra-cdk/dr-config.example.json, which the README tells people to copy
        Path infraCdk = Path.of("").toAbsolutePath();

        // WHEN it is loaded as the configuration file
        DrConfig config = DrConfigLoader.load("dr-config.example.json", null, infraCdk);

        // THEN every documented field is valid, including the drill targets
        assertThat(config.drillTargets()).singleElement().satisfies(t -> assertThat(t).containsEntry("clusterId", "orders-db"));
        // AND its findingActions are the default (the functions' FindingActionsTest pins their default to this file)
        assertThat(config.findingActions()).isEqualTo(DrConfig.defaultFindingActions());
    }

    @Test
    void load_should_nameTheField_when_drillTargetNamesNoDatabase() {
        assertThatThrownBy(() -> DrConfigLoader.fromMap(Map.of("drillTargets", List.of(Map.of("verify", Map.of())))))
                .isInstanceOf(DrConfigException.class)
                .hasMessageContaining("drResponder.drillTargets entries must name exactly one of clusterId or instanceId");
    }

    @Test
    void load_should_acceptCidrBlocks_andNameTheField_when_wafSafelistHasSomethingElse() {
        assertThat(DrConfigLoader.fromMap(Map.of("wafSafelist", List.of("203.0.113.0/24", "2001:db8::/32"))).wafSafelist())
                .containsExactly("203.0.113.0/24", "2001:db8::/32");
        assertThatThrownBy(() -> DrConfigLoader.fromMap(Map.of("wafSafelist", List.of("203.0.113.7"))))
                .isInstanceOf(DrConfigException.class)
                .hasMessageContaining("drResponder.wafSafelist entries must be IPv4 or IPv6 CIDR blocks");
        assertThatThrownBy(() -> DrConfigLoader.fromMap(Map.of("wafSafelist", List.of("nat.example.com/32"))))
                .isInstanceOf(DrConfigException.class);
    }

    @Test
    void fromMap_should_readAutoRestoreEvents_andNameTheField_when_anEntryIsNoRdsEventId() {
        assertThat(DrConfigLoader.fromMap(Map.of("autoRestoreEventIds", List.of("RDS-EVENT-0049"))).autoRestoreEventIds())
                .containsExactly("RDS-EVENT-0049");
        assertThat(DrConfig.defaults().autoRestoreEventIds()).isEmpty();
        for (String bad : List.of("RDS-EVENT-49", "rds-event-0049", "RDS-EVENT-0049,RDS-EVENT-0050", "*")) {
            assertThatThrownBy(() -> DrConfigLoader.fromMap(Map.of("autoRestoreEventIds", List.of(bad)))).as(bad)
                    .isInstanceOf(DrConfigException.class).hasMessageContaining("drResponder.autoRestoreEventIds entries must be RDS event ids");
        }
    }

    @Test
    void fromMap_should_readFailoverRegions_andNameTheField_when_anEntryIsNoRegion() {
        assertThat(DrConfigLoader.fromMap(Map.of("failoverRegions", List.of("us-west-2", "eu-central-1"))).failoverRegions())
                .containsExactly("us-west-2", "eu-central-1");
        assertThat(DrConfig.defaults().failoverRegions()).isEmpty();
        // a Region is named in IAM grants and in the clients the failover builds: no wildcard, no ARN, no list in one entry
        for (String bad : List.of("*", "us-west-*", "us-west-2,eu-west-1", "arn:aws:rds:us-west-2", "US-WEST-2")) {
            assertThatThrownBy(() -> DrConfigLoader.fromMap(Map.of("failoverRegions", List.of(bad)))).as(bad)
                    .isInstanceOf(DrConfigException.class).hasMessageContaining("drResponder.failoverRegions entries must be AWS Region names");
        }
    }

    @Test
    void fromMap_should_readPasswordRules_andRefuseWhatGetRandomPasswordOrRdsWouldNot_when_configured() {
        DrConfig config = DrConfigLoader.fromMap(Map.of("passwordLength", 40, "passwordExcludeCharacters", "/@\"'\\;"));
        assertThat(config.passwordLength()).isEqualTo(40);
        assertThat(config.passwordExcludeCharacters()).isEqualTo("/@\"'\\;");
        assertThat(DrConfig.defaults().passwordLength()).isEqualTo(32);
        assertThat(DrConfig.defaults().passwordExcludeCharacters()).isEqualTo("/@\"'\\");
        assertThatThrownBy(() -> DrConfigLoader.fromMap(Map.of("passwordLength", 7))).hasMessageContaining("drResponder.passwordLength");
        assertThatThrownBy(() -> DrConfigLoader.fromMap(Map.of("passwordLength", 100))).hasMessageContaining("drResponder.passwordLength");
        assertThatThrownBy(() -> DrConfigLoader.fromMap(Map.of("passwordExcludeCharacters", "a b")))
                .hasMessageContaining("drResponder.passwordExcludeCharacters");
        assertThatThrownBy(() -> DrConfigLoader.fromMap(Map.of("passwordExcludeCharacters", "\u00e9"))).isInstanceOf(DrConfigException.class);
    }
}
