package com.drresponder.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkField;
import software.amazon.awssdk.core.SdkPojo;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;

/**
 * Proves that no secret value reached a playbook's execution history: every string of every event of
 * GetExecutionHistory (inputs, outputs, task parameters, errors and causes, read field by field, since
 * the SDK's toString hides sensitive ones) is searched for each value the test created.
 */
public final class ExecutionHistorySecrets {
    private ExecutionHistorySecrets() {}

    public static void assertNoneIn(SfnClient sfn, String executionArn, Collection<String> secretValues) {
        List<String> texts = new ArrayList<>();
        sfn.getExecutionHistoryPaginator(r -> r.executionArn(executionArn).maxResults(1000)).events()
                .forEach(e -> collect(e, texts));
        assertThat(texts).as("strings in the history of %s", executionArn).isNotEmpty();
        for (String secret : secretValues) {
            assertThat(texts).as("execution history of %s must not contain a secret value", executionArn)
                    .noneMatch(text -> text.contains(secret));
        }
    }

    private static void collect(Object value, List<String> texts) {
        if (value instanceof String s) {
            texts.add(s);
        } else if (value instanceof SdkPojo pojo) {
            for (SdkField<?> field : pojo.sdkFields()) {
                collect(field.getValueOrDefault(pojo), texts);
            }
        } else if (value instanceof Collection<?> list) {
            list.forEach(v -> collect(v, texts));
        } else if (value instanceof Map<?, ?> map) {
            map.values().forEach(v -> collect(v, texts));
        }
    }

    /** For a test's own diagnostics: the strings one event carries. */
    static List<String> strings(HistoryEvent event) {
        List<String> texts = new ArrayList<>();
        collect(event, texts);
        return texts;
    }
}
