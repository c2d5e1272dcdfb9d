package dev.spavl.blobstore;

/** A blob store operation failed; the subclasses say why when the reason is known. */
public class BlobStoreException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public BlobStoreException(String message) {
        super(message);
    }

    public BlobStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
