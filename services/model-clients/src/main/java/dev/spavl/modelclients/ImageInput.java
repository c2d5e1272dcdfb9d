package dev.spavl.modelclients;

import java.util.Arrays;
import java.util.Objects;

/**
 * Raw image bytes and their MIME type (e.g. {@code image/png}, {@code image/jpeg}); clients base64-encode
 * them for the wire. The array is not copied (images can be large): do not mutate it after handing it over.
 */
public record ImageInput(byte[] bytes, String mime) {

    public ImageInput {
        Objects.requireNonNull(bytes, "bytes");
        Objects.requireNonNull(mime, "mime");
        if (bytes.length == 0) {
            throw new IllegalArgumentException("image bytes are empty");
        }
        if (!mime.startsWith("image/")) {
            throw new IllegalArgumentException("not an image MIME type: " + mime);
        }
    }

    // records compare arrays by reference; two images with the same bytes are the same input
    @Override
    public boolean equals(Object o) {
        return o instanceof ImageInput other && mime.equals(other.mime) && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return 31 * mime.hashCode() + Arrays.hashCode(bytes);
    }

    // never dump megabytes of pixels into logs
    @Override
    public String toString() {
        return "ImageInput[" + mime + ", " + bytes.length + " bytes]";
    }
}
