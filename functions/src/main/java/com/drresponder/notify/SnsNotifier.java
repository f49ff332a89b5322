package com.drresponder.notify;

import java.util.Map;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;

/** Publishes notifications to the responder's SNS topic (email, Chatbot and others subscribe to it). */
public record SnsNotifier(SnsClient sns, String topicArn) implements Notifier {
    @Override
    public void send(Notification n) {
        sns.publish(b -> b.topicArn(topicArn)
                .subject(SecretRedactor.redact(n.subject()))
                .message(SecretRedactor.redact(n.body()))
                .messageAttributes(Map.of(
                        "status", attribute(n.status().name()),
                        "severity", attribute(n.severity().name()),
                        "playbook", attribute(n.playbook()))));
    }

    private static MessageAttributeValue attribute(String value) {
        return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
    }
}
