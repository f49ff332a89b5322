package com.drresponder.restore;

import static org.assertj.core.api.Assertions.assertThat;

import com.drresponder.restore.CutoverUndo.Action;
import com.drresponder.restore.CutoverUndo.Named;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The compensation's decisions, from what answers at the source's, the copy's and the -old- name. */
class CutoverUndoTest {
    static final Named SOURCE_AVAILABLE = new Named("x", "available", Map.of("dr:protected", "true"));
    static final Named COPY = new Named("x", "available", Map.of("dr:incident", "inc-1", "dr:restored-from", "orders-db"));

    static CutoverUndo.Step next(Named atSource, Named atTarget, Named atOld, boolean pastDeadline) {
        return CutoverUndo.next("inc-1", "orders-db", atSource, "orders-db-restored-1", atTarget, "orders-db-old-1", atOld, pastDeadline);
    }

    @Test
    void next_should_renameCopyBackFirst_when_copyHoldsTheSourceName() {
        CutoverUndo.Step step = next(COPY, null, SOURCE_AVAILABLE, false);
        assertThat(step.action()).isEqualTo(Action.RENAME_RESTORED_BACK);
        assertThat(step.where()).isEqualTo("orders-db: the restored copy (available); orders-db-restored-1: nothing; orders-db-old-1: the source (available)");
    }

    @Test
    void next_should_renameSourceBack_when_sourceNameIsFree() {
        assertThat(next(null, COPY, SOURCE_AVAILABLE, false).action()).isEqualTo(Action.RENAME_SOURCE_BACK);
    }

    @Test
    void next_should_beDone_when_sourceAnswersAtItsName_inWhateverStateItIs() {
        assertThat(next(new Named("x", "storage-full", Map.of()), COPY, null, false).action()).isEqualTo(Action.DONE);
        // done is done, even past the deadline
        assertThat(next(SOURCE_AVAILABLE, COPY, null, true).action()).isEqualTo(Action.DONE);
    }

    @Test
    void next_should_wait_when_aRenameIsInFlight() {
        assertThat(next(new Named("x", "renaming", Map.of()), COPY, null, false).action()).as("source still renaming back").isEqualTo(Action.WAIT);
        assertThat(next(new Named("x", "renaming", COPY.tags()), null, SOURCE_AVAILABLE, false).action()).as("copy still renaming").isEqualTo(Action.WAIT);
        assertThat(next(null, null, null, false).action()).as("answering under neither name").isEqualTo(Action.WAIT);
        assertThat(next(null, COPY, new Named("x", "renaming", Map.of()), false).action()).isEqualTo(Action.WAIT);
    }

    @Test
    void next_should_fail_when_deadlinePassedBeforeSourceAnswers() {
        CutoverUndo.Step step = next(null, COPY, SOURCE_AVAILABLE, true);
        assertThat(step.action()).isEqualTo(Action.FAILED);
        assertThat(step.toJson().get("action").asText()).isEqualTo("failed");
        assertThat(step.where()).contains("orders-db: nothing");
    }

    @Test
    void next_should_fail_when_copyCannotTakeItsNameBack() {
        // something else took the copy's own name meanwhile: renaming onto it is never done
        assertThat(next(COPY, SOURCE_AVAILABLE, null, false).action()).isEqualTo(Action.FAILED);
    }

    @Test
    void next_should_knowAPromotedReplicaByItsResourceId_when_itHasNoTagOfTheIncident() {
        // GIVEN a failover's replica: it predates the incident, so only its immutable RDS resource id marks it
        CutoverUndo.Copy promoted = CutoverUndo.Copy.withResourceId("db-REPLICA");
        Named replica = new Named("x", "available", Map.of("dr:protected", "true"), "db-REPLICA");
        Named primary = new Named("x", "available", Map.of("dr:protected", "true"), "db-PRIMARY");
        // WHEN the replica holds the primary's name THEN it gives it back first (its tags alone would call it the source)
        CutoverUndo.Step step = CutoverUndo.next(promoted, "orders-db", replica, "orders-db-replica", null, "orders-db-old-1", primary, false);
        assertThat(step.action()).isEqualTo(Action.RENAME_RESTORED_BACK);
        assertThat(step.where()).isEqualTo("orders-db: the promoted replica (available); orders-db-replica: nothing; orders-db-old-1: the source (available)");
        // AND the old primary is renamed back once the name is free, and only the old primary at its name is done
        assertThat(CutoverUndo.next(promoted, "orders-db", null, "orders-db-replica", replica, "orders-db-old-1", primary, false).action())
                .isEqualTo(Action.RENAME_SOURCE_BACK);
        assertThat(CutoverUndo.next(promoted, "orders-db", primary, "orders-db-replica", replica, "orders-db-old-1", null, false).action())
                .isEqualTo(Action.DONE);
    }
}
