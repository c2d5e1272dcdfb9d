package dev.spavl.responder.lane;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RecentAnswersTest {

    private final RecentAnswers recent = new RecentAnswers(2);

    @Test
    void aSecondCopyIsNotCalledWhileTheFirstIsInFlightOrAfterItWasAnswered() {
        assertThat(recent.claim("q1")).isTrue();
        assertThat(recent.claim("q1")).as("in flight").isFalse();
        recent.answered("q1");
        assertThat(recent.claim("q1")).as("answered").isFalse();
    }

    @Test
    void aCallThatDidNotEndInAnAnswerLetsTheNextCopyThrough() {
        assertThat(recent.claim("q1")).isTrue();
        recent.release("q1");
        assertThat(recent.claim("q1")).isTrue();
    }

    @Test
    void releasingNeverForgetsAnAnswerAndTheOldestAreForgottenFirst() {
        recent.claim("q1");
        recent.answered("q1");
        recent.release("q1");
        assertThat(recent.claim("q1")).isFalse();
        recent.claim("q2");
        recent.answered("q2");
        recent.claim("q3");
        recent.answered("q3");
        assertThat(recent.claim("q1")).as("beyond the capacity of 2").isTrue();
    }
}
