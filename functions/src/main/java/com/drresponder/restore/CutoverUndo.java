package com.drresponder.restore;

import com.drresponder.common.Json;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Compensation of a rename cut-over, one step at a time: from what answers at the three names (the source's,
 * the restored copy's, the source's {@code -old-} name) it decides the next action of the playbook's undo loop.
 * The database cut over to (the restore's copy, or the failover's promoted replica) is told apart from the source
 * by what survives a rename ({@link Copy}), never by name. Done only when the source answers at its own name again,
 * in whatever state it had (a recovery is usually started because it is unwell). Shared by the restore and the
 * failover (both run their rename cut-over through {@link CheckProgressHandler}).
 */
final class CutoverUndo {
    /** RDS is still moving this database between names: act again only once it settles. */
    static final Set<String> IN_FLIGHT = Set.of("renaming");

    enum Action { RENAME_RESTORED_BACK, RENAME_SOURCE_BACK, WAIT, DONE, FAILED }

    /** What RDS answers under one identifier; {@code null} where nothing does. {@code resourceId}: RDS's immutable id. */
    record Named(String id, String status, Map<String, String> tags, String resourceId) {
        Named(String id, String status, Map<String, String> tags) {
            this(id, status, tags, null);
        }

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

    /** How the database that takes the source's name is recognised under any name, and what people call it. */
    record Copy(String label, Predicate<Named> is) {
        /** The restore's copy: created tagged {@code dr:incident=<this incident>}. */
        static Copy taggedBy(String incidentId) {
            return new Copy("the restored copy", db -> incidentId.equals(db.tags().get(RestorePlan.INCIDENT_TAG_KEY)));
        }

        /** A promoted replica existed before the incident (no tag of ours): its RDS resource id survives renames. */
        static Copy withResourceId(String resourceId) {
            return new Copy("the promoted replica", db -> resourceId.equals(db.resourceId()));
        }
    }

    private CutoverUndo() {}

    static Step next(String incidentId, String sourceId, Named atSource, String targetId, Named atTarget,
                     String oldId, Named atOld, boolean pastDeadline) {
        return next(Copy.taggedBy(incidentId), sourceId, atSource, targetId, atTarget, oldId, atOld, pastDeadline);
    }

    static Step next(Copy copy, String sourceId, Named atSource, String targetId, Named atTarget,
                     String oldId, Named atOld, boolean pastDeadline) {
        String where = describe(sourceId, atSource, copy) + "; " + describe(targetId, atTarget, copy) + "; "
                + describe(oldId, atOld, copy);
        boolean copyAtSource = atSource != null && copy.is().test(atSource);
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
        if (atSource == null && atOld != null && atOld.settled() && !copy.is().test(atOld)) {
            return new Step(Action.RENAME_SOURCE_BACK, where);
        }
        // a rename is in flight (RDS may answer under neither name meanwhile): look again after the wait
        return new Step(Action.WAIT, where);
    }

    private static String describe(String id, Named db, Copy copy) {
        if (db == null) {
            return id + ": nothing";
        }
        return id + ": " + (copy.is().test(db) ? copy.label() : "the source") + " (" + db.status() + ")";
    }
}
