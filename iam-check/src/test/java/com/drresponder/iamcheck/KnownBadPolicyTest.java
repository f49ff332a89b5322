package com.drresponder.iamcheck;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The check itself cannot silently pass: fed the restore role's snapshot statement as it was (snapshots had to
 * carry {@code aws:RequestTag/dr:protected=true}, the playbook tags them only {@code dr:playbook}) and the call
 * the emulator recorded, it reports the denial with the role and the reason; a policy that admits the tags the
 * playbook sends is allowed, and the same call on an unprotected twin cluster is denied.
 */
class KnownBadPolicyTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PLAYBOOK = "restore-database-to-point-in-time";
    private static final String ROLE = "RestoreRole";
    private static final String ACCOUNT = "123456789012";
    private static final String CLUSTER = "arn:aws:rds:us-east-1:" + ACCOUNT + ":cluster:orders-db";
    private static final String SNAPSHOT = "arn:aws:rds:us-east-1:" + ACCOUNT + ":cluster-snapshot:orders-db-pre-restore";
    private static final Map<String, String> PROTECTED = Map.of("dr:protected", "true");

    @TempDir
    Path dir;

    @Test
    void check_shouldReportTheDenial_whenTheSnapshotStatementRequiresATagThePlaybookDoesNotSend() throws IOException {
        // GIVEN the statement as it was, and the pre-restore snapshot call as recorded (tags: dr:playbook only)
        Path template = template(Map.of("StringEquals", Map.of("aws:RequestTag/dr:protected", "true")));
        Path calls = snapshotCall(PROTECTED);

        // WHEN
        JsonNode report = IamCheck.run(template, List.of(calls), dir.resolve("report.json"));

        // THEN the snapshot resource is implicitly denied, naming the role and the failing condition
        assertThat(report.path("problems")).isEmpty();
        assertThat(report.path("denied")).hasSize(1);
        JsonNode denial = report.path("denied").get(0);
        assertThat(denial.path("role").asText()).isEqualTo(ROLE);
        assertThat(denial.path("principal").asText()).isEqualTo("state-machine:" + PLAYBOOK);
        assertThat(denial.path("action").asText()).isEqualTo("rds:CreateDBClusterSnapshot");
        assertThat(denial.path("resource").asText()).isEqualTo(SNAPSHOT);
        assertThat(denial.path("result").asText()).isEqualTo("ImplicitlyDenied");
        assertThat(denial.path("reason").asText()).contains("condition").contains("aws:RequestTag/dr:protected");
    }

    @Test
    void check_shouldAllowTheCall_whenTheStatementAdmitsTheTagsThePlaybookSends() throws IOException {
        // GIVEN a statement requiring exactly the playbook's own tag on what it creates
        Path template = template(Map.of("StringEquals", Map.of("aws:RequestTag/dr:playbook", PLAYBOOK)));

        // WHEN
        JsonNode report = IamCheck.run(template, List.of(snapshotCall(PROTECTED)), dir.resolve("report.json"));

        // THEN both resources (source cluster, new snapshot) are allowed
        assertThat(report.path("denied")).isEmpty();
        assertThat(report.path("problems")).isEmpty();
        assertThat(report.path("allowed").asInt()).isEqualTo(2);
    }

    @Test
    void check_shouldReportTheDenial_whenTheSourceClusterIsAnUnprotectedTwin() throws IOException {
        // GIVEN the fixed statement, but the source cluster lacks the opt-in tag
        Path template = template(Map.of("StringEquals", Map.of("aws:RequestTag/dr:playbook", PLAYBOOK)));

        // WHEN
        JsonNode report = IamCheck.run(template, List.of(snapshotCall(Map.of("app", "orders"))), dir.resolve("report.json"));

        // THEN the source cluster is denied by the resource-tag condition
        assertThat(report.path("denied")).hasSize(1);
        assertThat(report.path("denied").get(0).path("resource").asText()).isEqualTo(CLUSTER);
        assertThat(report.path("denied").get(0).path("reason").asText()).contains("aws:ResourceTag/dr:protected");
    }

    /** A template with the restore playbook's real state machine and its role: source statement plus the given snapshot statement. */
    private Path template(Map<String, Object> snapshotCondition) throws IOException {
        String definition = Files.readString(IamCheck.REPO_ROOT.resolve("statemachines/" + PLAYBOOK + ".asl.json"));
        ObjectNode resources = JSON.createObjectNode();
        resources.putObject("RestoreStateMachine").put("Type", "AWS::StepFunctions::StateMachine").putObject("Properties")
                .put("DefinitionString", definition).putObject("RoleArn").putArray("Fn::GetAtt").add(ROLE).add("Arn");
        resources.putObject(ROLE).put("Type", "AWS::IAM::Role").putObject("Properties");
        ObjectNode policy = resources.putObject("RestoreRolePolicy").put("Type", "AWS::IAM::Policy").putObject("Properties");
        policy.putArray("Roles").addObject().put("Ref", ROLE);
        ArrayNode statements = policy.putObject("PolicyDocument").put("Version", "2012-10-17").putArray("Statement");
        statements.add(statement("arn:aws:rds:us-east-1:" + ACCOUNT + ":cluster:*",
                Map.of("StringEquals", Map.of("aws:ResourceTag/dr:protected", "true"))));
        statements.add(statement("arn:aws:rds:us-east-1:" + ACCOUNT + ":cluster-snapshot:*", snapshotCondition));
        Path file = dir.resolve("template.json");
        JSON.writeValue(file.toFile(), JSON.createObjectNode().set("Resources", resources));
        return file;
    }

    private static ObjectNode statement(String resource, Map<String, Object> condition) {
        ObjectNode s = JSON.createObjectNode().put("Effect", "Allow").put("Action", "rds:CreateDBClusterSnapshot").put("Resource", resource);
        s.set("Condition", JSON.valueToTree(condition));
        return s;
    }

    /** The call as the emulator records it: the state machine, both resources with their tags at request time, the request's tags. */
    private Path snapshotCall(Map<String, String> sourceTags) throws IOException {
        ObjectNode call = JSON.createObjectNode();
        call.putObject("principal").put("type", "state-machine").put("name", PLAYBOOK);
        call.put("service", "rds").put("action", "CreateDBClusterSnapshot").put("region", "us-east-1").put("account", ACCOUNT);
        ArrayNode resources = call.putArray("resources");
        resources.addObject().put("arn", CLUSTER).set("tags", JSON.valueToTree(sourceTags));
        resources.addObject().put("arn", SNAPSHOT).putNull("tags");
        call.putObject("requestTags").put("dr:playbook", PLAYBOOK);
        Path file = dir.resolve("calls.jsonl");
        Files.writeString(file, JSON.writeValueAsString(call) + "\n");
        return file;
    }
}
