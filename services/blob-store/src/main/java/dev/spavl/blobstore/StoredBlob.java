package dev.spavl.blobstore;

import java.net.URI;
import java.util.Objects;

/**
 * Result of {@link BlobStore#put}.
 *
 * @param uri     where the blob lives ({@code file:} or {@code s3:})
 * @param sha256  lower-case hex SHA-256 of the content
 * @param size    content length in bytes
 * @param created false when the same content was already stored (the put was a no-op)
 */
public record StoredBlob(URI uri, String sha256, long size, boolean created) {

    public StoredBlob {
        Objects.requireNonNull(uri, "uri");
        sha256 = BlobKeys.requireSha256(sha256);
        if (size < 0) {
            throw new IllegalArgumentException("size must be >= 0, was " + size);
        }
    }
}
