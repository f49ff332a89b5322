package com.drresponder.infra;

import com.drresponder.catalog.Catalog;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Which construct deploys each catalog playbook: the one place a new playbook's construct plugs in. A playbook not
 * listed here deploys with what its catalog entry names (functions, rules, state machine, the basic grants) and no
 * service grants of its own.
 */
final class Playbooks {
    static final Map<String, BiFunction<ResponderCore, Catalog.Playbook, PlaybookConstruct>> CONSTRUCTS = Map.of(
            RollbackPlaybook.NAME, RollbackPlaybook::new,
            RestorePlaybook.NAME, RestorePlaybook::new,
            CredentialPlaybook.NAME, CredentialPlaybook::new,
            FailoverPlaybook.NAME, FailoverPlaybook::new);

    private Playbooks() {}

    static PlaybookConstruct deploy(ResponderCore core, Catalog.Playbook playbook) {
        return CONSTRUCTS.getOrDefault(playbook.name(), PlaybookConstruct::basic).apply(core, playbook);
    }
}
