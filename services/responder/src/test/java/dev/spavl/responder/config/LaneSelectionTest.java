package dev.spavl.responder.config;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LaneSelectionTest {

    private static final List<String> KNOWN = List.of("otter", "lamm", "lamm-sft");

    @Test
    void allMeansEveryKnownModel() {
        assertThat(LaneSelection.parse(" ALL ", KNOWN)).containsExactlyElementsOf(KNOWN);
    }

    @Test
    void listIsTrimmedAndDeduplicated() {
        assertThat(LaneSelection.parse("lamm, otter,lamm,", KNOWN)).containsExactly("lamm", "otter");
    }

    @Test
    void unknownIdsAreNamedWithTheKnownOnes() {
        assertThatThrownBy(() -> LaneSelection.parse("otter,gpt-9,foo", KNOWN))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[gpt-9, foo]")
                .hasMessageContaining("known: [otter, lamm, lamm-sft]");
    }

    @Test
    void emptyIsRefused() {
        assertThatThrownBy(() -> LaneSelection.parse(" ", KNOWN)).hasMessageContaining("is empty");
        assertThatThrownBy(() -> LaneSelection.parse(",", KNOWN)).hasMessageContaining("names no model");
    }
}
