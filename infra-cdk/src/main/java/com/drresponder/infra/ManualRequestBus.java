package com.drresponder.infra;

import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.services.events.CfnRule;
import software.amazon.awscdk.services.events.EventBus;
import software.amazon.awscdk.services.iam.AnyPrincipal;
import software.amazon.awscdk.services.iam.ArnPrincipal;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.IPrincipal;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.constructs.Construct;

/**
 * The bus manual playbook requests travel on. Only the configured operator principals may put events on
 * it: the resource policy allows them and explicitly denies everyone else (an explicit deny also binds
 * principals of this account whose own IAM policies allow events:PutEvents on any bus). The manual
 * rule lives on this bus, never on the default bus, and its pattern is pinned to this account.
 */
final class ManualRequestBus extends Construct {
    /** The rule file (events/rules/manual-requests.json) whose rule goes on this bus. */
    static final String RULE = "manual-requests";

    private final EventBus bus;

    ManualRequestBus(Construct scope, String id, List<String> operatorPrincipals) {
        super(scope, id);
        bus = EventBus.Builder.create(this, "Bus")
                .description("DR Responder: manual playbook requests, from the configured operator principals only")
                .build();
        if (!operatorPrincipals.isEmpty()) {
            bus.addToResourcePolicy(PolicyStatement.Builder.create()
                    .sid("OperatorsPutManualRequests")
                    .effect(Effect.ALLOW)
                    .principals(operatorPrincipals.stream().<IPrincipal>map(ArnPrincipal::new).toList())
                    .actions(List.of("events:PutEvents"))
                    .resources(List.of(bus.getEventBusArn()))
                    .build());
        }
        PolicyStatement.Builder deny = PolicyStatement.Builder.create()
                .sid("NobodyElsePutsManualRequests")
                .effect(Effect.DENY)
                .principals(List.of(new AnyPrincipal()))
                .actions(List.of("events:PutEvents"))
                .resources(List.of(bus.getEventBusArn()));
        if (!operatorPrincipals.isEmpty()) {
            deny.conditions(Map.of("ArnNotLike", Map.of("aws:PrincipalArn", operatorPrincipals)));
        }
        bus.addToResourcePolicy(deny.build());
    }

    EventBus bus() {
        return bus;
    }

    /** Only events this account put on the bus start anything. */
    static void pinToAccount(CfnRule rule) {
        rule.addPropertyOverride("EventPattern.account", List.of(Aws.ACCOUNT_ID));
    }
}
