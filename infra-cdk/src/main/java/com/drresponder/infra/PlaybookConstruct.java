package com.drresponder.infra;

import com.drresponder.catalog.Catalog;
import com.drresponder.catalog.DeployableAsl;
import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.iam.IRole;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.stepfunctions.DefinitionBody;
import software.amazon.awscdk.services.stepfunctions.LogLevel;
import software.amazon.awscdk.services.stepfunctions.LogOptions;
import software.amazon.awscdk.services.stepfunctions.StateMachine;
import software.amazon.awscdk.services.stepfunctions.StateMachineType;

/**
 * One catalog playbook on the {@link ResponderCore}: its functions (built by this constructor), the rules that start
 * it, its state machine ({@code statemachines/<name>.asl.json}, built by {@link #deploy}) and, in a subclass, its
 * own grants and resources. A subclass's constructor calls {@code super}, grants its functions what they use, creates
 * what its parameters name and calls {@link #deploy} with their values. {@link Playbooks} says which class deploys
 * which playbook; a playbook without its own class gets only what its catalog entry names.
 */
public class PlaybookConstruct extends software.constructs.Construct implements LogicalIds.Grouping {
    protected final ResponderCore core;
    protected final Catalog.Playbook playbook;
    private StateMachine stateMachine;

    protected PlaybookConstruct(ResponderCore core, Catalog.Playbook playbook) {
        super(Stack.of(core), playbook.pascalName() + "Playbook");
        this.core = core;
        this.playbook = playbook;
        playbook.functions().forEach(f -> core.function(this, f));
        playbook.rules().forEach(rule -> core.routing().routeEvents(this, rule));
    }

    /** A playbook with no construct of its own: its functions, rules and state machine, with the basic grants. */
    static PlaybookConstruct basic(ResponderCore core, Catalog.Playbook playbook) {
        PlaybookConstruct construct = new PlaybookConstruct(core, playbook);
        construct.deploy(Map.of());
        return construct;
    }

    /**
     * The state machine with its substitutions: the ARNs of the steps it invokes and {@code parameters}, which must be
     * exactly the catalog entry's parameters. It may invoke its own steps, write the ledger, notify; the router starts it.
     */
    protected final StateMachine deploy(Map<String, String> parameters) {
        if (!parameters.keySet().equals(new java.util.HashSet<>(playbook.parameters()))) {
            throw new IllegalStateException("playbook " + playbook.name() + " declares parameters " + playbook.parameters()
                    + " but its construct supplies " + parameters.keySet());
        }
        Map<String, String> substitutions = new LinkedHashMap<>();
        core.catalog().invokedBy(playbook).stream().filter(Catalog.Function::step)
                .forEach(f -> substitutions.put(f.substitution(), function(f.name()).alias().getFunctionArn()));
        substitutions.putAll(parameters);
        String id = playbook.pascalName();
        LogGroup logs = LogGroup.Builder.create(this, id + "Logs")
                .logGroupName("/aws/vendedlogs/states/" + Stack.of(this).getStackName() + "-" + playbook.name())
                .retention(RetentionDays.ONE_MONTH)
                .removalPolicy(RemovalPolicy.DESTROY)
                .build();
        this.stateMachine = StateMachine.Builder.create(this, id)
                .comment("DR Responder playbook " + playbook.name() + " (statemachines/" + playbook.stateMachineFile() + ")")
                .definitionBody(DefinitionBody.fromString(definition()))
                .definitionSubstitutions(substitutions)
                .stateMachineType(StateMachineType.STANDARD)
                .logs(LogOptions.builder().destination(logs).level(LogLevel.ERROR).includeExecutionData(false).build())
                .tracingEnabled(true)
                .build();
        NagSuppressions.addResourceSuppressions(stateMachine, List.of(NagPackSuppression.builder().id("AwsSolutions-SF1")
                .reason("Logs at ERROR without execution data: every step already lands on the incident timeline "
                        + "(ledger), and ALL-level logs would copy incident payloads into CloudWatch Logs at extra cost.").build()));
        core.grantPlaybookBasics(stateMachine, playbook);
        core.register(playbook, stateMachine, substitutions);
        CfnOutput.Builder.create(this, playbook.stateMachineOutput()).value(stateMachine.getStateMachineArn()).build();
        return stateMachine;
    }

    private String definition() {
        Path dir = core.layout().stateMachinesDir();
        try {
            return DeployableAsl.load(playbook, dir).definition();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read state machine definition " + dir.resolve(playbook.stateMachineFile()), e);
        }
    }

    /** One of this playbook's (or the shared) functions, by service name. */
    protected final JavaFunction function(String name) {
        JavaFunction fn = core.functions().get(name);
        if (fn == null) {
            throw new IllegalStateException("playbook " + playbook.name() + " has no function " + name + " in the catalog");
        }
        return fn;
    }

    /** Grants through the stack's {@link Permissions} (with their cdk-nag acknowledgements). */
    protected final void allow(IRole role, List<String> actions, List<String> resources, Map<String, Object> conditions, String why) {
        core.permissions().allow(role, actions, resources, conditions, why);
    }

    protected final Map<String, Object> taggedProtected() {
        return core.permissions().taggedProtected();
    }

    public Catalog.Playbook playbook() { return playbook; }

    public StateMachine stateMachine() { return stateMachine; }
}
