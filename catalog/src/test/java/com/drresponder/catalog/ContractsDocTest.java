package com.drresponder.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** docs/CONTRACTS.md agrees with the catalog: its functions table, handler strings, environment and router variables. */
class ContractsDocTest {
    private static final Catalog CATALOG = Catalog.RESPONDER;
    private static final Pattern HANDLER = Pattern.compile("com\\.drresponder\\.[A-Za-z.]+Handler::handleRequest");
    static String doc;

    @BeforeAll
    static void read() throws Exception {
        doc = Files.readString(Path.of("..", "docs", "CONTRACTS.md"));
    }

    @Test
    void functionsTable_should_listEveryCatalogFunctionWithItsPlaybookHandlerAndSubstitution_when_read() {
        for (Catalog.Function f : CATALOG.functions()) {
            String playbook = CATALOG.playbooks().stream().filter(p -> p.functions().contains(f)).map(Catalog.Playbook::name)
                    .findFirst().orElse(null);
            String row = "| " + f.name() + " | " + (playbook != null ? playbook + " " : "");
            assertThat(doc).as("row of %s", f.name()).contains(row);
            String line = doc.lines().filter(l -> l.startsWith("| " + f.name() + " |")).findFirst().orElseThrow();
            assertThat(line).contains("`" + f.handler() + "`");
            if (f.step()) {
                assertThat(line).contains("`${" + f.substitution() + "}`");
            }
        }
    }

    @Test
    void everyHandlerString_should_beACatalogHandler_when_read() {
        Set<String> named = HANDLER.matcher(doc).results().map(r -> r.group()).collect(Collectors.toCollection(TreeSet::new));
        Set<String> catalog = CATALOG.functions().stream().map(Catalog.Function::handler).collect(Collectors.toCollection(TreeSet::new));

        assertThat(catalog).as("catalog handlers").isSubsetOf(named);
        assertThat(named).as("handlers the doc names").isSubsetOf(catalog);
    }

    @Test
    void environmentTable_should_documentEveryCatalogVariableAndRouterVariable_when_read() {
        for (String key : CATALOG.environment()) {
            assertThat(doc).as("environment variable %s", key).contains("`" + key + "`");
        }
        for (Catalog.Playbook p : CATALOG.playbooks()) {
            assertThat(doc).as("router variable of %s", p.name()).contains("`" + p.stateMachineEnvVar() + "`");
            p.parameters().forEach(name -> assertThat(doc).as("parameter %s", name).contains("`${" + name + "}`"));
        }
    }
}
