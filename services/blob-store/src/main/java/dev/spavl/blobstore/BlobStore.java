package dev.spavl.blobstore;

import java.net.URI;

/**
 * Content-addressed store for image bytes (the claim-check behind events, which carry only a
 * blob URI and the sha256 of the bytes).
 *
 * <p>Keys are derived from the lower-case hex SHA-256 of the content:
 * {@code sha256/<first 2 hex>/<next 2 hex>/<full hex>} (see {@link BlobKeys}), so a URI names
 * exactly one content and storing the same bytes twice is a no-op.
 *
 * <p><b>Blocking API.</b> Every method does disk or network I/O on the calling thread. Callers on
 * an event loop (Vert.x, Netty, Kafka consumer poll loop with tight deadlines) must move calls to
 * a worker thread, e.g. {@code @Blocking}, {@code executeBlocking} or their own executor.
 * Implementations are thread-safe.
 */
public interface BlobStore extends AutoCloseable {

    /**
     * Stores {@code bytes} under their content key.
     *
     * @param bytes the content, not null (may be empty)
     * @param mime  media type such as {@code image/png}; kept as Content-Type where the backend has
     *              one (S3), ignored by the filesystem store; null means application/octet-stream
     * @return the blob; {@link StoredBlob#created()} is false when the content was already stored
     * @throws BlobStoreException when the backend fails
     */
    StoredBlob put(byte[] bytes, String mime);

    /**
     * Reads a blob and verifies that its bytes hash to the sha256 named in its key.
     *
     * @throws BlobNotFoundException    when no blob is stored under {@code uri}
     * @throws BlobIntegrityException   when the stored bytes do not match the sha256 in the key
     * @throws IllegalArgumentException when {@code uri} does not belong to this store (other scheme,
     *                                  bucket or root, malformed key, path traversal)
     * @throws BlobStoreException       when the backend fails
     */
    byte[] get(URI uri);

    /**
     * Whether content with this sha256 (64 hex chars, either case) is stored.
     *
     * @throws IllegalArgumentException when {@code sha256} is not 64 hex characters
     */
    boolean exists(String sha256);

    /**
     * The URI that content with this sha256 has (or would have) in this store; does no I/O.
     *
     * @throws IllegalArgumentException when {@code sha256} is not 64 hex characters
     */
    URI uriOf(String sha256);

    /** Releases clients and connections; the default does nothing. */
    @Override
    default void close() {
    }
}
