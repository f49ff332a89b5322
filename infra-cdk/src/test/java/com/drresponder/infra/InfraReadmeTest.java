package com.drresponder.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.drresponder.catalog.Catalog;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** infra-cdk/README.md's "What it deploys" table names exactly the catalog's playbooks, their constructs and functions. */
class InfraReadmeTest {
    private static final Pattern CODE = Pattern.compile("`([^`]+)`");
    static List<List<String>> rows = new ArrayList<>();

    /** Each table row of the README that starts with a construct name, as its cells' code spans (construct, playbook, functions). */
    @BeforeAll
    static void read() throws Exception {
        String readme = Files.readString(TestStacks.MODULE_DIR.resolve("README.md"));
        int start = readme.indexOf("## What it deploys");
        assertThat(start).as("section \"What it deploys\" in infra-cdk/README.md").isNotNegative();
        for (String line : readme.substring(start, readme.indexOf("\n## ", start)).lines().toList()) {
            if (line.startsWith("| `")) {
                String[] cells = line.split("\\|");
                rows.add(List.of(cells[1].trim(), cells[2].trim(), String.join(",", CODE.matcher(cells[3]).results().map(r -> r.group(1)).toList())));
            }
        }
    }

    @Test
    void deployTable_should_listTheCoresFunctions_when_read() {
        List<Catalog.Function> core = new ArrayList<>(Catalog.RESPONDER.sharedSteps());
        core.addAll(Catalog.RESPONDER.coreFunctions());
        core.add(Catalog.RESPONDER.router());

        assertThat(functionsOf("`" + ResponderCore.class.getSimpleName() + "`", 0)).containsExactlyInAnyOrderElementsOf(names(core));
    }

    @Test
    void deployTable_should_listEveryPlaybookWithItsConstructAndFunctions_when_read() throws Exception {
        for (Catalog.Playbook p : Catalog.RESPONDER.playbooks()) {
            List<String> row = rows.stream().filter(r -> r.get(1).equals("`" + p.name() + "`")).findFirst()
                    .orElseThrow(() -> new AssertionError("no row for playbook " + p.name() + " in infra-cdk/README.md"));
            Class<?> construct = Class.forName(PlaybookConstruct.class.getPackageName() + "." + row.get(0).replace("`", ""));
            assertThat(PlaybookConstruct.class.isAssignableFrom(construct)).as("%s is a playbook construct", construct).isTrue();
            assertThat(List.of(row.get(2).split(","))).as(p.name()).containsExactlyInAnyOrderElementsOf(names(p.functions()));
        }
        assertThat(rows).as("rows: the core and one per playbook").hasSize(Catalog.RESPONDER.playbooks().size() + 1);
    }

    private static List<String> functionsOf(String cell, int column) {
        return rows.stream().filter(r -> r.get(column).equals(cell)).findFirst().map(r -> List.of(r.get(2).split(",")))
                .orElseThrow(() -> new AssertionError("no row " + cell + " in infra-cdk/README.md"));
    }

    private static List<String> names(List<Catalog.Function> functions) {
        return functions.stream().map(Catalog.Function::name).toList();
    }
}
