package dev.spavl.packager.pairing;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StableHashTest {

    @Test
    void isStableAcrossCallsAndPinnedToItsDefinition() {
        assertThat(StableHash.of(42L, "q", "1")).isEqualTo(StableHash.of(42L, "q", "1"));
        // Pinned so that an accidental change of the definition (which would reshuffle every run) fails here.
        assertThat(StableHash.of(0L)).isEqualTo(PINNED_EMPTY);
    }

    @Test
    void lengthPrefixSeparatesParts() {
        assertThat(StableHash.of(1L, "ab", "c")).isNotEqualTo(StableHash.of(1L, "a", "bc"));
        assertThat(StableHash.of(1L, "abc")).isNotEqualTo(StableHash.of(1L, "ab", "c"));
        assertThat(StableHash.of(1L, "x")).isNotEqualTo(StableHash.of(2L, "x"));
    }

    @Test
    void rejectsNullParts() {
        assertThatThrownBy(() -> StableHash.of(1L, (String) null)).isInstanceOf(IllegalArgumentException.class);
    }

    /** First 8 bytes of SHA-256 over eight zero bytes. */
    private static final long PINNED_EMPTY = 0xaf5570f5a1810b7aL;
}
