package com.drresponder.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.drresponder.catalog.Catalog;
import com.drresponder.catalog.Substitutions;
import com.drresponder.infra.config.DrConfig;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * House rules for every playbook under statemachines/: valid JSON, a Comment on every state, Retry and Catch on every Task (Map and Parallel
 * branches included), and every {@code ${Name}} supplied by the stack's substitution map.
 */
class StateMachineDefinitionTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SUBSTITUTION = Pattern.compile("\\$\\{([^}]+)}");

    static Set<String> substitutionNames;

    @BeforeAll
    static void substitutionMap() {
        // Constructing the stack (no synthesis) is enough to read the map.
        DrResponderStack stack = TestStacks.stack(TestStacks.app(), DrConfig.defaults(), TestStacks.repositoryLayout());
        substitutionNames = stack.definitionSubstitutions().keySet();
    }

    static Stream<Path> definitions() {
        List<Path> files = new ArrayList<>();
        PlaybookDefinition.loadAll(TestStacks.REPO_ROOT.resolve("statemachines")).forEach(d -> files.add(d.file()));
        assertThat(files).as("the repository's playbooks").isNotEmpty();
        return files.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("definitions")
    void definition_should_parseAsJsonWithStates_when_loaded(Path file) throws Exception {
        JsonNode root = JSON.readTree(PlaybookDefinition.load(file).definition());

        assertThat(root.path("StartAt").isTextual()).as("StartAt").isTrue();
        assertThat(root.path("States").isObject()).as("States").isTrue();
        assertThat(root.path("States").has(root.path("StartAt").asText())).as("StartAt names a state").isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("definitions")
    void everyState_should_haveAComment_when_loaded(Path file) throws Exception {
        List<String> missing = new ArrayList<>();
        walk(JSON.readTree(PlaybookDefinition.load(file).definition()), "", (path, state) -> {
            if (!state.path("Comment").isTextual() || state.path("Comment").asText().isBlank()) {
                missing.add(path);
            }
        });

        assertThat(missing).as("states without a Comment in %s", file).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("definitions")
    void everyTask_should_haveRetryAndCatch_when_loaded(Path file) throws Exception {
        List<String> missing = new ArrayList<>();
        int[] tasks = {0};
        walk(JSON.readTree(PlaybookDefinition.load(file).definition()), "", (path, state) -> {
            if ("Task".equals(state.path("Type").asText())) {
                tasks[0]++;
                if (!state.path("Retry").isArray() || state.path("Retry").isEmpty()) {
                    missing.add(path + " (Retry)");
                }
                if (!state.path("Catch").isArray() || state.path("Catch").isEmpty()) {
                    missing.add(path + " (Catch)");
                }
            }
        });

        assertThat(missing).as("Task states without Retry/Catch in %s", file).isEmpty();
        assertThat(tasks[0]).as("Task states in %s", file).isPositive();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("definitions")
    void everySubstitution_should_beSuppliedByTheStack_when_loaded(Path file) {
        Set<String> used = new TreeSet<>();
        Matcher m = SUBSTITUTION.matcher(PlaybookDefinition.load(file).definition());
        while (m.find()) {
            used.add(m.group(1));
        }

        assertThat(substitutionNames).as("substitutions used by %s", file).containsAll(used);
    }

    @org.junit.jupiter.api.Test
    void everySuppliedSubstitution_should_beUsedBySomePlaybook_when_loaded() {
        Set<String> used = new TreeSet<>();
        definitions().forEach(file -> used.addAll(Substitutions.names(PlaybookDefinition.load(file).definition())));

        assertThat(substitutionNames).as("substitutions the stack supplies").containsExactlyInAnyOrderElementsOf(used);
        assertThat(Catalog.RESPONDER.substitutionNames()).as("substitutions the catalog names").containsExactlyInAnyOrderElementsOf(used);
    }

    @org.junit.jupiter.api.Test
    void walk_should_reachTasksInsideMapAndParallel_when_nested() throws Exception {
        JsonNode machine = JSON.readTree("""
                {"StartAt":"P","States":{"P":{"Type":"Parallel","Comment":"p","End":true,"Branches":[
                  {"StartAt":"M","States":{"M":{"Type":"Map","Comment":"m","End":true,"ItemProcessor":
                    {"StartAt":"T","States":{"T":{"Type":"Task","Resource":"x","End":true}}}}}}]}}}
                """);
        List<String> tasksWithoutRetry = new ArrayList<>();
        walk(machine, "", (path, state) -> {
            if ("Task".equals(state.path("Type").asText()) && !state.has("Retry")) {
                tasksWithoutRetry.add(path);
            }
        });

        assertThat(tasksWithoutRetry).containsExactly("P/M/T");
    }

    interface StateVisitor {
        void visit(String path, JsonNode state);
    }

    /** Visits every state, recursing into Parallel branches and Map iterators/item processors. */
    static void walk(JsonNode machine, String prefix, StateVisitor visitor) {
        machine.path("States").properties().forEach((Map.Entry<String, JsonNode> e) -> {
            String path = prefix + e.getKey();
            JsonNode state = e.getValue();
            visitor.visit(path, state);
            state.path("Branches").forEach(b -> walk(b, path + "/", visitor));
            if (state.has("Iterator")) {
                walk(state.get("Iterator"), path + "/", visitor);
            }
            if (state.has("ItemProcessor")) {
                walk(state.get("ItemProcessor"), path + "/", visitor);
            }
        });
    }
}
