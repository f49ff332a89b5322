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
}
