package com.drresponder.restore;

import com.drresponder.common.Json;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.Set;

/**
 * Compensation of a rename cut-over, one step at a time: from what answers at the three names (the source's,
 * the restored copy's, the source's {@code -old-} name) it decides the next action of the playbook's undo loop.
 * The restored copy is told apart from the source by its {@code dr:incident} tag (this incident), not by name.
 * Done only when the source answers at its own name again, in whatever state it had (a restore is usually
 * started because it is unwell).
 */
final class CutoverUndo {
    /** RDS is still moving this database between names: act again only once it settles. */
    static final Set<String> IN_FLIGHT = Set.of("renaming");

    enum Action { RENAME_RESTORED_BACK, RENAME_SOURCE_BACK, WAIT, DONE, FAILED }

    /** What RDS answers under one identifier; {@code null} where nothing does. */
    record Named(String id, String status, Map<String, String> tags) {
        boolean settled() {
            return !IN_FLIGHT.contains(status);
        }
    }

    /** @param where a line for people: what answers at each name */
    record Step(Action action, String where) {
        ObjectNode toJson() {
            return Json.object().put("action", action.name().toLowerCase().replace('_', '-')).put("found", where);
        }
    }

    private CutoverUndo() {}

    static Step next(String incidentId, String sourceId, Named atSource, String targetId, Named atTarget,
                     String oldId, Named atOld, boolean pastDeadline) {
        String where = describe(sourceId, atSource, incidentId) + "; " + describe(targetId, atTarget, incidentId) + "; "
                + describe(oldId, atOld, incidentId);
        boolean copyAtSource = atSource != null && isCopy(atSource, incidentId);
        if (atSource != null && !copyAtSource && atSource.settled()) {
            return new Step(Action.DONE, where);
        }
        if (pastDeadline) {
            return new Step(Action.FAILED, where);
        }
        if (copyAtSource) {
            // the copy must give the name back first; its own name must be free for that
            if (!atSource.settled()) {
                return new Step(Action.WAIT, where);
            }
            return new Step(atTarget == null ? Action.RENAME_RESTORED_BACK : Action.FAILED, where);
        }
        if (atSource == null && atOld != null && atOld.settled() && !isCopy(atOld, incidentId)) {
            return new Step(Action.RENAME_SOURCE_BACK, where);
        }
        // a rename is in flight (RDS may answer under neither name meanwhile): look again after the wait
        return new Step(Action.WAIT, where);
    }

    private static boolean isCopy(Named db, String incidentId) {
        return incidentId.equals(db.tags().get(RestorePlan.INCIDENT_TAG_KEY));
    }

    private static String describe(String id, Named db, String incidentId) {
        if (db == null) {
            return id + ": nothing";
        }
        return id + ": " + (isCopy(db, incidentId) ? "the restored copy" : "the source") + " (" + db.status() + ")";
    }
}
