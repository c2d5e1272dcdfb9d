package dev.spavl.contracts.ids;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class IdsTest {

    @Test
    void sameInputsSameId() {
        assertThat(Ids.of("q", "img-1", "EASY_QUESTION")).isEqualTo(Ids.of("q", "img-1", "EASY_QUESTION"));
    }

    @Test
    void partsAreNotAmbiguous() {
        assertThat(Ids.of("q", "ab", "c")).isNotEqualTo(Ids.of("q", "a", "bc"));
    }

    @Test
    void kindPrefixesTheId() {
        assertThat(Ids.of("run", "x")).startsWith("run-").hasSize(4 + 32);
        assertThat(Ids.event("RunRequested", "run-1")).startsWith("evt-");
    }

    @Test
    void knownVectorStaysStable() {
        // pinned: other languages reproduce ids from the documented rule; this value must never change
        assertThat(Ids.of("run", "key-1")).isEqualTo("run-ae1e6c858ac30335639dd9af4e338bdf");
    }
}
