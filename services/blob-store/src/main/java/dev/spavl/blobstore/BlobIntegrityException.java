package dev.spavl.blobstore;

import java.net.URI;

/**
 * The stored bytes do not hash to the sha256 named in the blob's key: the blob was corrupted or
 * replaced after it was written. Never retried automatically: the content is gone.
 */
public class BlobIntegrityException extends BlobStoreException {

    private static final long serialVersionUID = 1L;

    private final URI uri;
    private final String expectedSha256;
    private final String actualSha256;

    public BlobIntegrityException(URI uri, String expectedSha256, String actualSha256) {
        super("blob " + uri + " failed its integrity check: expected sha256 " + expectedSha256
                + " but its bytes hash to " + actualSha256);
        this.uri = uri;
        this.expectedSha256 = expectedSha256;
        this.actualSha256 = actualSha256;
    }

    public URI uri() {
        return uri;
    }

    public String expectedSha256() {
        return expectedSha256;
    }

    public String actualSha256() {
        return actualSha256;
    }
}
