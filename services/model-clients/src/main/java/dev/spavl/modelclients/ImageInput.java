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

    /** The bytes with their type read from the magic number: JPEG, WebP, GIF, else PNG (what the generator stores). */
    public static ImageInput sniffed(byte[] b) {
        String mime = "image/png";
        if (b.length >= 3 && (b[0] & 0xff) == 0xff && (b[1] & 0xff) == 0xd8) {
            mime = "image/jpeg";
        } else if (b.length >= 12 && b[0] == 'R' && b[1] == 'I' && b[2] == 'F' && b[3] == 'F' && b[8] == 'W' && b[9] == 'E') {
            mime = "image/webp";
        } else if (b.length >= 4 && b[0] == 'G' && b[1] == 'I' && b[2] == 'F' && b[3] == '8') {
            mime = "image/gif";
        }
        return new ImageInput(b, mime);
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
