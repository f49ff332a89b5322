package com.drresponder.router;

import com.drresponder.admission.Deployment;

/** Minimal, well-formed EventBridge events for decision-logic tests (full AWS samples live in events/). */
final class TestEvents {
    static final String ACCOUNT = "123456789012";
    static final String REGION = "us-east-1";

    /** The deployment the sample events belong to (account and region of events/samples). */
    static final Deployment DEPLOYMENT = new Deployment("aws", ACCOUNT, REGION);

    private TestEvents() {}

    static String envelope(String id, String source, String detailType, String resources, String detail) {
        return """
                {"version":"0","id":"%s","detail-type":"%s","source":"%s","account":"%s","time":"2026-11-22T03:00:00Z",
                 "region":"%s","resources":[%s],"detail":%s}
                """.formatted(id, detailType, source, ACCOUNT, REGION, resources, detail);
    }

    static String alarm(String id, String function, String alias, String state, String stateTimestamp) {
        String alarmArn = "arn:aws:cloudwatch:" + REGION + ":" + ACCOUNT + ":alarm:" + function + "-errors";
        String detail = """
                {"alarmName":"%s-errors","state":{"value":"%s","reason":"Threshold Crossed","timestamp":"%s"},
                 "previousState":{"value":"OK"},
                 "configuration":{"metrics":[{"id":"m1","metricStat":{"metric":{"namespace":"AWS/Lambda","name":"Errors",
                   "dimensions":{"FunctionName":"%s","Resource":"%s:%s"}},"period":60,"stat":"Sum"},"returnData":true}]}}
                """.formatted(function, state, stateTimestamp, function, function, alias);
        return envelope(id, "aws.cloudwatch", "CloudWatch Alarm State Change", "\"" + alarmArn + "\"", detail);
    }

    static String manual(String id, String detail) {
        return envelope(id, "drresponder.manual", "Manual Playbook Request", "", detail);
    }

    static String rds(String id, String clusterId, String eventId, String category, String message) {
        String arn = "arn:aws:rds:" + REGION + ":" + ACCOUNT + ":cluster:" + clusterId;
        String detail = """
                {"EventCategories":["%s"],"SourceType":"CLUSTER","SourceArn":"%s","Date":"2026-11-22T03:00:00.000Z",
                 "Message":"%s","SourceIdentifier":"%s","EventID":"%s"}
                """.formatted(category, arn, message, clusterId, eventId);
        return envelope(id, "aws.rds", "RDS DB Cluster Event", "\"" + arn + "\"", detail);
    }

    static String functionArn(String function) {
        return "arn:aws:lambda:" + REGION + ":" + ACCOUNT + ":function:" + function;
    }

    static String clusterArn(String cluster) {
        return "arn:aws:rds:" + REGION + ":" + ACCOUNT + ":cluster:" + cluster;
    }
}
