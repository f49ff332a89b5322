package com.drresponder.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.drresponder.infra.config.DrConfigException;
import com.drresponder.infra.config.DrConfigLoader;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/**
 * Who may start a playbook by event: only the configured operator principals may put events on the
 * stack's own manual bus, and the manual rule listens there, for this account only.
 */
class ManualRequestBusTest {
    static final List<String> OPERATORS = List.of("arn:aws:iam::123456789012:role/dr-operator", "arn:aws:iam::123456789012:user/alice");

    static Template withOperators;
    static Template withoutOperators;

    @BeforeAll
    static void synth() {
        withOperators = Template.fromStack(TestStacks.stack(TestStacks.app(),
                DrConfigLoader.fromMap(Map.of("operatorPrincipals", OPERATORS)), TestStacks.repositoryLayout()));
        withoutOperators = Template.fromStack(TestStacks.stack(TestStacks.app(), DrConfigLoader.fromMap(Map.of()), TestStacks.repositoryLayout()));
    }

    @Test
    void busPolicy_should_allowPutEventsOnlyToConfiguredOperators_when_operatorsAreConfigured() {
        withOperators.resourceCountIs("AWS::Events::EventBus", 1);
        withOperators.hasResourceProperties("AWS::Events::EventBusPolicy", Map.of("StatementId", "cdk-OperatorsPutManualRequests",
                "Statement", Match.objectLike(Map.of("Effect", "Allow", "Action", "events:PutEvents",
                        "Principal", Map.of("AWS", OPERATORS)))));
    }

    @Test
    void busPolicy_should_denyEveryoneElse_when_operatorsAreConfigured() {
        withOperators.hasResourceProperties("AWS::Events::EventBusPolicy", Map.of("StatementId", "cdk-NobodyElsePutsManualRequests",
                "Statement", Match.objectLike(Map.of("Effect", "Deny", "Action", "events:PutEvents", "Principal", Map.of("AWS", "*"),
                        "Condition", Map.of("ArnNotLike", Map.of("aws:PrincipalArn", OPERATORS))))));
        withOperators.resourceCountIs("AWS::Events::EventBusPolicy", 2);
    }

    @Test
    void busPolicy_should_denyEverybody_when_noOperatorsAreConfigured() {
        withoutOperators.resourceCountIs("AWS::Events::EventBusPolicy", 1);
        withoutOperators.hasResourceProperties("AWS::Events::EventBusPolicy", Map.of("StatementId", "cdk-NobodyElsePutsManualRequests",
                "Statement", Match.objectLike(Map.of("Effect", "Deny", "Principal", Map.of("AWS", "*"), "Condition", Match.absent()))));
    }

    @Test
    void manualRule_should_listenOnTheManualBusForThisAccountOnly() {
        Map<String, Map<String, Object>> bus = withOperators.findResources("AWS::Events::EventBus");
        String busId = bus.keySet().iterator().next();
        withOperators.hasResourceProperties("AWS::Events::Rule", Map.of(
                "EventBusName", Map.of("Ref", busId),
                "EventPattern", Match.objectLike(Map.of("source", List.of("drresponder.manual"),
                        "account", List.of(Map.of("Ref", "AWS::AccountId"))))));
    }

    @Test
    void defaultBus_should_haveNoManualRule() {
        Map<String, Map<String, Object>> manualOnDefault = withOperators.findResources("AWS::Events::Rule", Map.of("Properties", Map.of(
                "EventBusName", Match.absent(), "EventPattern", Match.objectLike(Map.of("source", List.of("drresponder.manual"))))));
        assertThat(manualOnDefault).isEmpty();
    }

    @Test
    void config_should_rejectOperatorPrincipal_when_itIsNotAnIamRoleOrUserArn() {
        assertThatThrownBy(() -> DrConfigLoader.fromMap(Map.of("operatorPrincipals", List.of("*"))))
                .isInstanceOf(DrConfigException.class)
                .hasMessageContaining("operatorPrincipals")
                .hasMessageContaining("entries must be IAM role or user ARNs (arn:aws:iam::123456789012:role/dr-operator), got \"*\"");
    }
}
