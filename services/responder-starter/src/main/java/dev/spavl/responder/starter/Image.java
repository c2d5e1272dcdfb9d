package dev.spavl.responder.starter;

import java.net.URI;
import java.util.Arrays;
import java.util.Objects;

/**
 * The image a question is about, already fetched from the blob store by the lane and checked against the
 * request's hash. Immutable: the bytes are copied in and out.
 *
 * @param mimeType {@code image/png}, {@code image/jpeg}, {@code image/webp} or {@code image/gif}, read from the bytes
 * @param sha256   lower-case hex SHA-256 of the bytes (the blob's content address)
 * @param uri      where the blob store keeps it ({@code file:...}, {@code s3://...})
 */
public record Image(byte[] bytes, String mimeType, String sha256, URI uri) {

    public Image {
        Objects.requireNonNull(bytes, "bytes");
        Objects.requireNonNull(mimeType, "mimeType");
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(uri, "uri");
        if (bytes.length == 0) {
            throw new IllegalArgumentException("image bytes are empty");
        }
        if (!mimeType.startsWith("image/")) {
            throw new IllegalArgumentException("not an image MIME type: " + mimeType);
        }
        bytes = bytes.clone();
    }

    /** A copy of the bytes. */
    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    public int size() {
        return bytes.length;
    }

    // records compare arrays by reference; two images with the same bytes are the same image
    @Override
    public boolean equals(Object o) {
        return o instanceof Image other && mimeType.equals(other.mimeType) && sha256.equals(other.sha256)
                && uri.equals(other.uri) && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(mimeType, sha256, uri) * 31 + Arrays.hashCode(bytes);
    }

    // never dump megabytes of pixels into logs
    @Override
    public String toString() {
        return "Image[" + mimeType + ", " + bytes.length + " bytes, sha256=" + sha256 + ", " + uri + "]";
    }
}
