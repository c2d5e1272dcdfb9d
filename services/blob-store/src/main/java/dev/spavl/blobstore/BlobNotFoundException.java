package dev.spavl.blobstore;

import java.net.URI;

/** No blob is stored under the requested URI. */
public class BlobNotFoundException extends BlobStoreException {

    private static final long serialVersionUID = 1L;

    private final URI uri;

    public BlobNotFoundException(URI uri) {
        this(uri, null);
    }

    public BlobNotFoundException(URI uri, Throwable cause) {
        super("blob not found: " + uri, cause);
        this.uri = uri;
    }

    public URI uri() {
        return uri;
    }
}
