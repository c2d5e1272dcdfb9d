package dev.spavl.responder.starter;

import org.junit.jupiter.api.Test;

import java.net.URI;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ValueTypesTest {

    private static final URI BLOB = URI.create("file:///tmp/blobs/sha256/ab/cd/abcd");

    @Test
    void anImageCannotBeChangedThroughItsBytes() {
        byte[] in = {1, 2, 3};
        Image image = new Image(in, "image/png", "abcd", BLOB);
        in[0] = 9;
        image.bytes()[1] = 9;
        assertThat(image.bytes()).containsExactly(1, 2, 3);
        assertThat(image.size()).isEqualTo(3);
        assertThat(image).isEqualTo(new Image(new byte[] {1, 2, 3}, "image/png", "abcd", BLOB));
        assertThat(image.toString()).contains("image/png", "3 bytes").doesNotContain("[1, 2, 3]");
    }

    @Test
    void anImageMustBeAnImage() {
        assertThatThrownBy(() -> new Image(new byte[0], "image/png", "abcd", BLOB)).hasMessageContaining("empty");
        assertThatThrownBy(() -> new Image(new byte[] {1}, "text/plain", "abcd", BLOB)).hasMessageContaining("text/plain");
    }

    @Test
    void answersCarryUsageFinishReasonAndTheSimulatedMark() {
        Answer a = Answer.of("Hello").withUsage(12, 3).withFinishReason("stop");
        assertThat(a).isEqualTo(new Answer("Hello", "stop", 12, 3, false));
        assertThat(a.asSimulated().simulated()).isTrue();
        assertThatThrownBy(() -> Answer.of("x").withUsage(-1, 0)).hasMessageContaining("token counts");
        assertThatThrownBy(() -> Answer.of(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void aQuestionCountsAttemptsFromOne() {
        assertThat(new Question("q-1", "run-1", Question.Type.HARD_QUESTION, "Why?", 1).attempt()).isEqualTo(1);
        assertThatThrownBy(() -> new Question("q-1", "run-1", Question.Type.HARD_QUESTION, "Why?", 0))
                .hasMessageContaining("attempt");
    }
}
