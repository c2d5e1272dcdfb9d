package dev.spavl.blobstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class BlobKeysTest {

    // sha256("abc"), a published test vector
    static final String ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    @Test
    void sha256IsLowerCaseHex() {
        assertThat(BlobKeys.sha256Hex("abc".getBytes(StandardCharsets.US_ASCII))).isEqualTo(ABC);
    }

    @Test
    void keyFansOutOnTheFirstFourHexDigits() {
        assertThat(BlobKeys.keyOf(ABC)).isEqualTo("sha256/ba/78/" + ABC);
        assertThat(BlobKeys.keyOf(ABC.toUpperCase())).isEqualTo("sha256/ba/78/" + ABC);
        assertThat(BlobKeys.sha256OfKey("sha256/ba/78/" + ABC)).isEqualTo(ABC);
    }

    @Test
    void nonCanonicalKeysAreRejected() {
        for (String bad : new String[] {
                "sha256/ba/79/" + ABC,               // fan-out does not match the hash
                "sha256/BA/78/" + ABC.toUpperCase(), // upper case
                "sha256/ba/78/" + ABC + "/x",
                "md5/ba/78/" + ABC,
                "sha256/ba/78/" + ABC.substring(1),
                "" }) {
            assertThatThrownBy(() -> BlobKeys.sha256OfKey(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> BlobKeys.requireSha256(null)).isInstanceOf(IllegalArgumentException.class);
    }
}
