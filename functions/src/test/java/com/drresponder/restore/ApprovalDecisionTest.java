package com.drresponder.restore;

import static org.assertj.core.api.Assertions.assertThat;

import com.drresponder.common.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Only {"approved": true, "approver": <caller ARN>} approves; every other answer is a refusal naming why. */
class ApprovalDecisionTest {
    static final String ALICE = "arn:aws:iam::123456789012:user/alice";

    static JsonNode json(String text) throws Exception {
        return Json.MAPPER.readTree(text);
    }

    @Test
    void of_should_approve_when_approvedTrueWithCallerArn() throws Exception {
        // GIVEN what drctl approve sends WHEN it is read
        ApprovalDecision d = ApprovalDecision.of(json("{\"approved\":true,\"approver\":\"" + ALICE + "\",\"reason\":\"checked orders\"}"));
        // THEN it approves, and says who
        assertThat(d.approved()).isTrue();
        assertThat(d.approver()).isEqualTo(ALICE);
        assertThat(d.reason()).isEqualTo("checked orders");
        assertThat(d.refusal()).isNull();
    }

    @Test
    void of_should_approve_when_approverIsAnAssumedRoleSession() throws Exception {
        ApprovalDecision d = ApprovalDecision.of(json("{\"approved\":true,\"approver\":\"arn:aws:sts::123456789012:assumed-role/Ops/alice@example.com\"}"));
        assertThat(d.approved()).isTrue();
    }

    static Stream<Arguments> refusals() {
        return Stream.of(
                Arguments.of("{\"approved\":false,\"approver\":\"" + ALICE + "\"}", "approved is false, not true"),
                Arguments.of("{}", "approved is missing, not true"),
                Arguments.of("{\"approved\":\"true\",\"approver\":\"" + ALICE + "\"}", "approved is \"true\", not true"),
                Arguments.of("{\"approved\":1,\"approver\":\"" + ALICE + "\"}", "approved is 1, not true"),
                Arguments.of("{\"approved\":true,\"approver\":\"" + ALICE + "\",\"cutover\":\"rename\"}", "unknown field \"cutover\""),
                Arguments.of("{\"approved\":true}", "approver must be the approving caller's ARN"),
                Arguments.of("{\"approved\":true,\"approver\":\"alice\"}", "approver must be the approving caller's ARN"),
                Arguments.of("{\"approved\":true,\"approver\":\"" + ALICE + "\",\"reason\":{\"x\":1}}", "reason must be text"),
                Arguments.of("true", "the answer must be a JSON object"),
                Arguments.of("null", "the answer must be a JSON object"));
    }

    @ParameterizedTest
    @MethodSource("refusals")
    void of_should_refuseWithReason_when_answerIsNotApprovedTrue(String answer, String why) throws Exception {
        ApprovalDecision d = ApprovalDecision.of(json(answer));
        assertThat(d.approved()).isFalse();
        assertThat(d.refusal()).startsWith("approval refused: ").contains(why);
    }

    // ---- a step that loses data (Aurora Global Database failover with AllowDataLoss, detach; issue 17)

    @Test
    void of_should_approveDataLoss_only_when_theAnswerAllowsItExplicitly() throws Exception {
        // GIVEN what drctl approve --allow-data-loss sends, read for a step that loses data
        ApprovalDecision d = ApprovalDecision.of(json("{\"approved\":true,\"approver\":\"" + ALICE + "\",\"allowDataLoss\":true}"), true);
        // THEN it approves, data loss included
        assertThat(d.approved()).isTrue();
        assertThat(d.dataLossAllowed()).isTrue();
    }

    static Stream<Arguments> dataLossRefusals() {
        return Stream.of(
                Arguments.of("{\"approved\":true,\"approver\":\"" + ALICE + "\"}", "only an answer with \"allowDataLoss\": true approves it"),
                Arguments.of("{\"approved\":true,\"approver\":\"" + ALICE + "\",\"allowDataLoss\":false}", "got false"),
                Arguments.of("{\"approved\":true,\"approver\":\"" + ALICE + "\",\"allowDataLoss\":\"true\"}", "got \"true\""),
                Arguments.of("{\"approved\":false,\"approver\":\"" + ALICE + "\",\"allowDataLoss\":true}", "approved is false"),
                Arguments.of("{\"approved\":true,\"approver\":\"" + ALICE + "\",\"allowDataLoss\":true,\"force\":true}", "unknown field \"force\""));
    }

    @ParameterizedTest
    @MethodSource("dataLossRefusals")
    void of_should_refuseADataLosingStep_when_theAnswerDoesNotAllowDataLoss(String answer, String why) throws Exception {
        ApprovalDecision d = ApprovalDecision.of(json(answer), true);
        assertThat(d.approved()).isFalse();
        assertThat(d.dataLossAllowed()).isFalse();
        assertThat(d.refusal()).startsWith("approval refused: ").contains(why);
    }

    @Test
    void of_should_refuseAllowDataLoss_when_theStepLosesNoData() throws Exception {
        // an answer is read for the step it answers: elsewhere allowDataLoss is an unknown field, not a harmless extra
        ApprovalDecision d = ApprovalDecision.of(json("{\"approved\":true,\"approver\":\"" + ALICE + "\",\"allowDataLoss\":true}"));
        assertThat(d.approved()).isFalse();
        assertThat(d.refusal()).contains("unknown field \"allowDataLoss\"");
    }
}
