package com.drresponder.infra;

import com.drresponder.infra.config.DrConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.Dashboard;
import software.amazon.awscdk.services.cloudwatch.GraphWidget;
import software.amazon.awscdk.services.cloudwatch.HorizontalAnnotation;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.IWidget;
import software.amazon.awscdk.services.cloudwatch.MathExpression;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TextWidget;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.sns.ITopic;
import software.amazon.awscdk.services.sqs.IQueue;
import software.amazon.awscdk.services.stepfunctions.StateMachine;
import software.constructs.Construct;

/**
 * Meta-monitoring: who watches the responder. Alarms (to the notification topic) on failed (other than designed
 * escalations), timed-out and aborted playbook executions, router errors and dead-lettered events; a dashboard with incidents opened,
 * time-to-mitigate and measured RTO (the metrics the functions emit in namespace {@code DrResponder}).
 */
public final class Monitoring extends Construct {
    /**
     * @param topic         alarm notifications
     * @param router        the incident-router
     * @param deadLetterQueue the EventBridge targets' DLQ
     * @param routerFailures  the router's on-failure destination (events its invocations failed on)
     * @param stateMachines playbooks by name
     * @param config        targets drawn on the dashboard
     */
    public record Props(ITopic topic, JavaFunction router, IQueue deadLetterQueue, IQueue routerFailures, Map<String, StateMachine> stateMachines,
                        DrConfig config) {}

    /** WAF's quota of addresses per IP set, and the size at which the headroom alarm fires (80 %). */
    static final int WAF_SET_LIMIT = 10_000;
    static final int WAF_SET_WARNING = 8_000;
    /** What merge-ip-set emits after each change to a block list (MergeIpSetHandler.SET_SIZE_METRIC), as its catalog service. */
    static final String WAF_SET_SIZE_METRIC = "WafIpSetSize";
    static final String MERGE_IP_SET = "merge-ip-set";
    private static final String CREDENTIALS = "respond-to-credential-compromise";

    private final List<Alarm> alarms = new ArrayList<>();
    private final Dashboard dashboard;

    public Monitoring(Construct scope, String id, Props props) {
        super(scope, id);
        SnsAction notify = new SnsAction(props.topic());
        Duration period = Duration.minutes(5);

        props.stateMachines().forEach((name, sm) -> {
            String smId = com.drresponder.catalog.Catalog.pascalCase(name);
            alarms.add(alarm(smId + "ExecutionsTimedOut", "DR playbook " + name + ": an execution timed out",
                    sm.metricTimedOut(MetricOptions.builder().period(period).statistic("Sum").build()), notify));
            alarms.add(alarm(smId + "ExecutionsAborted", "DR playbook " + name + ": an execution was stopped (StopExecution)",
                    sm.metricAborted(MetricOptions.builder().period(period).statistic("Sum").build()), notify));
        });
        // "Responder failed": failed executions that were not designed endings. A playbook that escalates by design
        // (recorded ESCALATED, then its Fail state) fails in Step Functions' metrics too; the finaliser counts those
        // as PlaybookEscalated, and the alarm subtracts them. Without the finaliser every failure alarms (fail-safe).
        Map<String, IMetric> terms = new java.util.LinkedHashMap<>();
        List<String> failed = new ArrayList<>();
        int i = 0;
        for (StateMachine sm : props.stateMachines().values()) {
            terms.put("f" + i, sm.metricFailed(MetricOptions.builder().period(period).statistic("Sum").build()));
            failed.add("FILL(f" + i++ + ", 0)");
        }
        terms.put("escalated", Metric.Builder.create().namespace(JavaFunction.METRICS_NAMESPACE).metricName("PlaybookEscalated")
                .dimensionsMap(Map.of("Service", "finaliser")).statistic("Sum").period(period).build());
        if (!failed.isEmpty()) {
            alarms.add(alarm("ResponderFailed", "DR Responder: a playbook execution failed other than by a designed escalation",
                    MathExpression.Builder.create().expression(String.join(" + ", failed) + " - FILL(escalated, 0)")
                            .usingMetrics(terms).label("Failed, not escalated").period(period).build(), notify));
        }
        alarms.add(alarm("RouterErrors", "DR incident-router: invocation errors",
                props.router().function().metricErrors(MetricOptions.builder().period(period).statistic("Sum").build()), notify));
        alarms.add(alarm("DeadLetterQueueDepth", "DR Responder: events could not be delivered to the router (see the DLQ)",
                props.deadLetterQueue().metricApproximateNumberOfMessagesVisible(MetricOptions.builder().period(period).statistic("Maximum").build()),
                notify));

        alarms.add(alarm("RouterFailedEvents", "DR Responder: the router failed on events (see its on-failure queue: each message holds the event)",
                props.routerFailures().metricApproximateNumberOfMessagesVisible(MetricOptions.builder().period(period).statistic("Maximum").build()),
                notify));

        if (props.stateMachines().containsKey(CREDENTIALS)) {
            // WAF holds at most 10,000 addresses per IP set and then refuses every further block: warn while there is room
            alarms.add(alarm("WafIpSetHeadroom", "DR Responder: a WAF block list holds over " + WAF_SET_WARNING + " of its "
                    + WAF_SET_LIMIT + " addresses; shorten blockHours or review the blocks before new ones are refused",
                    Metric.Builder.create().namespace(JavaFunction.METRICS_NAMESPACE).metricName(WAF_SET_SIZE_METRIC)
                            .dimensionsMap(Map.of("Service", MERGE_IP_SET)).statistic("Maximum").period(period).build(), notify,
                    WAF_SET_WARNING));
        }

        this.dashboard = Dashboard.Builder.create(this, "Dashboard")
                .dashboardName(software.amazon.awscdk.Stack.of(this).getStackName() + "-DrResponder")
                .build();
        dashboard.addWidgets(TextWidget.Builder.create()
                .markdown("# DR Responder\nIncidents, time-to-mitigate and measured RTO against targets (mode: `"
                        + props.config().mode().value() + "`).")
                .width(24).height(2).build());
        dashboard.addWidgets(
                graph("Incidents opened", searchMetric("IncidentsOpened", "Sum", "Incidents"), List.of()),
                graph("Time to mitigate (s)", searchMetric("TimeToMitigateSeconds", "Maximum", "Time to mitigate"),
                        List.of(target("Lambda RTO target", props.config().lambdaRtoTargetMinutes()))),
                graph("Measured RTO (s)", searchMetric("MeasuredRtoSeconds", "Maximum", "Measured RTO"),
                        List.of(target("Database RTO target", props.config().rtoTargetMinutes()))));
        List<IWidget> health = new ArrayList<>();
        for (Alarm a : alarms) {
            health.add(software.amazon.awscdk.services.cloudwatch.AlarmWidget.Builder.create()
                    .alarm(a).title(a.getNode().getId()).width(6).height(4).build());
        }
        dashboard.addWidgets(health.toArray(IWidget[]::new));
    }

    private Alarm alarm(String id, String description, IMetric metric, SnsAction notify) {
        return alarm(id, description, metric, notify, 0);
    }

    /** An alarm to the topic when {@code metric} goes above {@code threshold} in one period; no data is no alarm. */
    private Alarm alarm(String id, String description, IMetric metric, SnsAction notify, double threshold) {
        Alarm alarm = Alarm.Builder.create(this, id)
                .alarmDescription(description)
                .metric(metric)
                .threshold(threshold)
                .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD)
                .evaluationPeriods(1)
                .treatMissingData(TreatMissingData.NOT_BREACHING)
                .build();
        alarm.addAlarmAction(notify);
        return alarm;
    }

    /** The metric across whatever dimensions the functions attach (Powertools adds {@code Service}). */
    private static IMetric searchMetric(String metricName, String statistic, String label) {
        return MathExpression.Builder.create()
                .expression("SEARCH('Namespace=\"" + JavaFunction.METRICS_NAMESPACE + "\" MetricName=\"" + metricName + "\"', '"
                        + statistic + "', 300)")
                .label(label)
                .period(Duration.minutes(5))
                .build();
    }

    private static HorizontalAnnotation target(String label, int minutes) {
        return HorizontalAnnotation.builder().label(label).value(minutes * 60).build();
    }

    private static GraphWidget graph(String title, IMetric metric, List<HorizontalAnnotation> annotations) {
        return GraphWidget.Builder.create().title(title).left(List.of(metric)).leftAnnotations(annotations).width(8).height(6).build();
    }

    public List<Alarm> alarms() { return List.copyOf(alarms); }

    public Dashboard dashboard() { return dashboard; }
}
