package com.drresponder.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** drctl follow's live lines: each run of a state that is still going is announced once. */
class FollowerStepTest {

    @Test
    void announceRun_should_allowOneLinePerRun_when_aBackedOffWaitOutlastsTheQuietSpell() {
        // GIVEN the verify loop's Wait state entered for its fourth run
        Follower.Step step = new Follower.Step("Wait before next check", "Wait");
        step.runs = 4;
        // WHEN its re-entry is announced, and the backed-off wait then outlasts the quiet spell
        boolean onEntry = step.announceRun();
        boolean whileWaiting = step.announceRun();
        // THEN only the first line is printed for run 4
        assertThat(onEntry).isTrue();
        assertThat(whileWaiting).isFalse();
    }

    @Test
    void announceRun_should_allowTheNextRun_when_theStateIsEnteredAgain() {
        // GIVEN run 4 announced
        Follower.Step step = new Follower.Step("Wait before next check", "Wait");
        step.runs = 4;
        step.announceRun();
        // WHEN the state is entered a fifth time
        step.runs = 5;
        // THEN run 5 gets its own line
        assertThat(step.announceRun()).isTrue();
    }
}
