package dev.spavl.responder.lane;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.spavl.blobstore.BlobKeys;
import dev.spavl.blobstore.BlobNotFoundException;
import dev.spavl.blobstore.BlobStore;
import dev.spavl.modelclients.ImageInput;
import dev.spavl.responder.starter.Image;

import java.net.URI;

/**
 * The images of the requests, read from the blob store and checked once per image per process: every lane asks
 * for a question's image (a dozen requests share one), so each is read, hashed and sniffed once and kept while it
 * fits. Invariant: only an image whose bytes hash to the requested sha256 and whose type is known is cached; a
 * failure is never cached, so a blob stored later is found. Bounded by the images' total bytes, shared by the
 * process's lanes; thread-safe, and concurrent requests for one image wait for a single read.
 */
final class ImageCache {

    /** The image could not be used: the request is FAILED {@code IMAGE_UNAVAILABLE} with this message. */
    static final class ImageUnavailable extends RuntimeException {
        ImageUnavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private record Key(String uri, String sha256) {
    }

    private final BlobStore blobs;
    private final Cache<Key, Image> images;

    /** @param maxBytes the cached images' total size; 0 caches nothing */
    ImageCache(BlobStore blobs, long maxBytes) {
        this.blobs = blobs;
        this.images = Caffeine.newBuilder()
                .maximumWeight(maxBytes)
                .weigher((Key k, Image image) -> image.size())
                .build();
    }

    /**
     * The image a request names.
     *
     * @throws ImageUnavailable when it is not stored, its URI is malformed or names another hash, its bytes hash to
     *                          another sha256, or they are not an image
     * @throws dev.spavl.blobstore.BlobStoreException when the store fails (not the image's fault)
     */
    Image get(String uri, String sha256) {
        return images.get(new Key(uri, sha256), k -> load(k.uri(), k.sha256()));
    }

    /** How many images are cached now (for tests). */
    long size() {
        images.cleanUp();
        return images.estimatedSize();
    }

    private Image load(String uriText, String sha256) {
        try {
            URI uri = URI.create(uriText);
            byte[] bytes = blobs.get(uri);
            // same checks and messages, in the same order, as before the cache
            if (!uriText.endsWith(sha256)) {
                throw new ImageUnavailable("the blob URI does not name the requested sha256", null);
            }
            // the store checks the bytes against its key; this binds them to the request's hash as well
            if (!BlobKeys.sha256Hex(bytes).equalsIgnoreCase(sha256)) {
                throw new ImageUnavailable("the blob's bytes do not hash to the requested sha256", null);
            }
            return new Image(bytes, ImageInput.sniffed(bytes).mime(), sha256, uri);
        } catch (BlobNotFoundException | IllegalArgumentException e) {
            throw new ImageUnavailable(e.getMessage(), e);
        }
    }
}
