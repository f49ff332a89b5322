package com.drresponder.infra;

import com.drresponder.catalog.Catalog;
import com.drresponder.infra.config.DrConfig;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awscdk.CfnElement;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.dynamodb.Table;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.sns.Topic;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.stepfunctions.StateMachine;
import software.constructs.Construct;
import software.constructs.IConstruct;

/**
 * The one deployable DR Responder stack: the {@link ResponderCore} (ledger, topic, keys, DLQs, shared steps, finaliser,
 * router, manual bus, monitoring) and one {@link PlaybookConstruct} per {@link Catalog} playbook ({@link Playbooks}
 * says which). The catalog says what exists; the constructs say how each piece is built and what each role may do.
 * Resources keep the logical ids they had at stack scope ({@link ResponderCore#ID}, {@link LogicalIds}): an existing
 * stack updates in place.
 */
public final class DrResponderStack extends Stack {
    private final ResponderCore core;
    private final Map<String, PlaybookConstruct> playbooks = new LinkedHashMap<>();

    /**
     * Props every DR Responder stack starts from: a compact (unindented) template. The playbooks' ASL is inlined, so
     * the indented template approaches CloudFormation's 1 MB limit (800 KB with the fail-over playbook's global steps).
     */
    public static StackProps.Builder propsBuilder() {
        return StackProps.builder().suppressTemplateIndentation(true);
    }

    public DrResponderStack(Construct scope, String id, StackProps props, DrConfig config, ProjectLayout layout) {
        this(scope, id, props, config, layout, Catalog.RESPONDER);
    }

    public DrResponderStack(Construct scope, String id, StackProps props, DrConfig config, ProjectLayout layout, Catalog catalog) {
        super(scope, id, props);
        this.core = new ResponderCore(this, ResponderCore.ID, config, layout, catalog);
        for (Catalog.Playbook playbook : catalog.playbooks()) {
            playbooks.put(playbook.name(), Playbooks.deploy(core, playbook));
        }
        core.finish();
        LogicalIds.keepStackScopeIds(this);
    }

    /**
     * The logical id of {@code construct}'s CloudFormation resource as synthesized. ({@code getLogicalId(element)}
     * answers the id CDK would derive from the path, which a playbook construct's resources do not carry.)
     */
    public String logicalId(IConstruct construct) {
        return resolve(((CfnElement) construct.getNode().getDefaultChild()).getLogicalId()).toString();
    }

    // ------------------------------------------------------------------ accessors (tests, other constructs)

    public ResponderCore core() { return core; }

    /** Playbook constructs by playbook name. */
    public Map<String, PlaybookConstruct> playbooks() { return Collections.unmodifiableMap(playbooks); }

    public DrConfig config() { return core.config(); }

    public Table ledger() { return core.ledger(); }

    public Topic topic() { return core.topic(); }

    public Queue deadLetterQueue() { return core.deadLetterQueue(); }

    public Queue routerFailures() { return core.routerFailures(); }

    /** Functions by service name: incident-router, record-step, plan-rollback, check-alarm, ... */
    public Map<String, JavaFunction> functions() { return core.functions(); }

    /** State machines by playbook name. */
    public Map<String, StateMachine> stateMachines() { return core.stateMachines(); }

    /** Rules by rule file name (plus {@code drill-schedule} and {@code ip-block-sweeper}). */
    public Map<String, Rule> rules() { return core.rules(); }

    /** Every state machine's {@code definitionSubstitutions}, together. */
    public Map<String, String> definitionSubstitutions() { return core.substitutions(); }

    public Monitoring monitoring() { return core.monitoring(); }
}
