package com.drresponder.infra;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.services.events.EventPattern;

/**
 * One EventBridge pattern, read from {@code events/rules/<name>.json} exactly as written.
 *
 * @param name    rule name (file name without {@code .json}), e.g. {@code lambda-alarms}
 * @param file    where it was read from
 * @param pattern the pattern as a JSON object
 */
public record EventRuleDefinition(String name, Path file, Map<String, Object> pattern) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Every {@code *.json} in {@code dir}, sorted by name; empty when the directory does not exist (yet). */
    public static List<EventRuleDefinition> loadAll(Path dir) {
        return DefinitionFiles.list(dir, ".json").stream().map(EventRuleDefinition::load).toList();
    }

    public static EventRuleDefinition load(Path file) {
        String fileName = file.getFileName().toString();
        try {
            Map<String, Object> pattern = JSON.readValue(Files.readString(file), new TypeReference<>() {});
            return new EventRuleDefinition(fileName.substring(0, fileName.length() - ".json".length()), file, pattern);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read EventBridge pattern " + file + ": " + e.getMessage(), e);
        }
    }

    public String pascalName() { return com.drresponder.catalog.Catalog.pascalCase(name); }

    /**
     * The pattern as a CDK {@link EventPattern}, value for value: the synthesized {@code EventPattern} is the file's
     * JSON, content filters ({@code prefix}, {@code numeric}, {@code anything-but}, ...) included.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public EventPattern toEventPattern() {
        EventPattern.Builder b = EventPattern.builder();
        for (Map.Entry<String, Object> e : pattern.entrySet()) {
            Object v = e.getValue();
            // The typed builder says List<String>; a pattern array may also hold content-filter objects, which
            // jsii passes through unchanged.
            switch (e.getKey()) {
                case "source" -> b.source((List) list(e));
                case "detail-type" -> b.detailType((List) list(e));
                case "account" -> b.account((List) list(e));
                case "region" -> b.region((List) list(e));
                case "resources" -> b.resources((List) list(e));
                case "id" -> b.id((List) list(e));
                case "time" -> b.time((List) list(e));
                case "version" -> b.version((List) list(e));
                case "detail" -> {
                    if (!(v instanceof Map<?, ?> detail)) {
                        throw new IllegalArgumentException(file + ": \"detail\" must be a JSON object");
                    }
                    b.detail((Map<String, Object>) detail);
                }
                default -> { /* top-level $or and other fields the typed builder lacks: see extraFields() */ }
            }
        }
        return b.build();
    }

    /** Top-level fields {@link EventPattern} cannot express (e.g. {@code $or}); the stack sets them on the CfnRule. */
    public Map<String, Object> extraFields() {
        Map<String, Object> extra = new java.util.LinkedHashMap<>(pattern);
        extra.keySet().removeAll(TYPED_FIELDS);
        return extra;
    }

    private static final java.util.Set<String> TYPED_FIELDS =
            java.util.Set.of("source", "detail-type", "detail", "account", "region", "resources", "id", "time", "version");

    private List<?> list(Map.Entry<String, Object> e) {
        if (!(e.getValue() instanceof List<?> l)) {
            throw new IllegalArgumentException(file + ": \"" + e.getKey() + "\" must be a JSON array");
        }
        return l;
    }
}
