package com.drresponder.router;

import com.drresponder.admission.ResourceTags;
import com.drresponder.notify.Notification;
import com.drresponder.notify.Notifier;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Hand-written fakes of the router's own interfaces. */
final class RouterFakes {
    private RouterFakes() {}

    static final class Tags implements ResourceTags {
        final Map<String, Map<String, String>> byArn = new HashMap<>();

        Tags tag(String arn, String key, String value) {
            byArn.computeIfAbsent(arn, k -> new HashMap<>()).put(key, value);
            return this;
        }

        @Override
        public Map<String, String> tagsOf(String arn) {
            return byArn.getOrDefault(arn, Map.of());
        }
    }

    static final class Notifications implements Notifier {
        final List<Notification> sent = new ArrayList<>();

        @Override
        public void send(Notification notification) {
            sent.add(notification);
        }
    }

    static class Starter implements PlaybookStarter {
        record Call(String stateMachineArn, String name, String input) {}

        final List<Call> calls = new ArrayList<>();
        RuntimeException failWith;

        @Override
        public String start(String stateMachineArn, String executionName, String input) {
            calls.add(new Call(stateMachineArn, executionName, input));
            if (failWith != null) {
                throw failWith;
            }
            return StepFunctionsPlaybookStarter.executionArn(stateMachineArn, executionName);
        }
    }
}
