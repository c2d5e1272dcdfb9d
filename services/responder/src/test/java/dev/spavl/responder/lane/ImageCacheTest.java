package dev.spavl.responder.lane;

import dev.spavl.blobstore.BlobKeys;
import dev.spavl.blobstore.BlobNotFoundException;
import dev.spavl.blobstore.BlobStore;
import dev.spavl.blobstore.StoredBlob;
import dev.spavl.responder.starter.Image;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ImageCacheTest {

    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 1, 2, 3};

    /** A store that counts its reads and serves whatever bytes it was given under a URI. */
    private static final class CountingStore implements BlobStore {
        final Map<URI, byte[]> blobs = new HashMap<>();
        final AtomicInteger reads = new AtomicInteger();

        @Override
        public StoredBlob put(byte[] bytes, String mime) {
            boolean created = !blobs.containsKey(uriOf(BlobKeys.sha256Hex(bytes)));
            String sha = store(bytes);
            return new StoredBlob(uriOf(sha), sha, bytes.length, created);
        }

        @Override
        public byte[] get(URI uri) {
            reads.incrementAndGet();
            byte[] bytes = blobs.get(uri);
            if (bytes == null) {
                throw new BlobNotFoundException(uri);
            }
            return bytes;
        }

        @Override
        public boolean exists(String sha256) {
            return blobs.containsKey(uriOf(sha256));
        }

        @Override
        public URI uriOf(String sha256) {
            return URI.create("file:/blobs/sha256/" + sha256.substring(0, 2) + "/" + sha256.substring(2, 4) + "/" + sha256);
        }

        String store(byte[] bytes) {
            String sha = BlobKeys.sha256Hex(bytes);
            blobs.put(uriOf(sha), bytes);
            return sha;
        }
    }

    private final CountingStore store = new CountingStore();

    @Test
    void aQuestionsImageIsReadOnceForAllItsRequests() {
        String sha = store.store(PNG);
        ImageCache cache = new ImageCache(store, 1 << 20);
        for (int lane = 0; lane < 12; lane++) {
            Image image = cache.get(store.uriOf(sha).toString(), sha);
            assertThat(image.mimeType()).isEqualTo("image/png");
            assertThat(image.sha256()).isEqualTo(sha);
            assertThat(image.bytes()).isEqualTo(PNG);
        }
        assertThat(store.reads).hasValue(1);
    }

    @Test
    void bytesThatDoNotHashToTheRequestedShaAreUnavailableAndNotKept() {
        String sha = BlobKeys.sha256Hex(PNG);
        byte[] other = PNG.clone();
        other[10] = 9;
        store.blobs.put(store.uriOf(sha), other); // a store that does not check its content against its key
        ImageCache cache = new ImageCache(store, 1 << 20);
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> cache.get(store.uriOf(sha).toString(), sha))
                    .isInstanceOf(ImageCache.ImageUnavailable.class)
                    .hasMessage("the blob's bytes do not hash to the requested sha256");
        }
        assertThat(store.reads).as("a failure is not cached").hasValue(2);
        assertThat(cache.size()).isZero();
    }

    @Test
    void aUriNamingAnotherHashIsUnavailableWithTheSameMessageAsBefore() {
        String sha = store.store(PNG);
        String otherSha = "0".repeat(64);
        ImageCache cache = new ImageCache(store, 1 << 20);
        assertThatThrownBy(() -> cache.get(store.uriOf(sha).toString(), otherSha))
                .isInstanceOf(ImageCache.ImageUnavailable.class)
                .hasMessage("the blob URI does not name the requested sha256");
    }

    @Test
    void aMissingEmptyOrMisnamedBlobIsUnavailableAndAMissingOneIsFoundOnceStored() {
        ImageCache cache = new ImageCache(store, 1 << 20);
        String sha = BlobKeys.sha256Hex(PNG);
        String uri = store.uriOf(sha).toString();
        assertThatThrownBy(() -> cache.get(uri, sha)).isInstanceOf(ImageCache.ImageUnavailable.class).hasMessageContaining("blob not found");
        store.store(PNG);
        assertThat(cache.get(uri, sha).size()).isEqualTo(PNG.length);

        String emptySha = store.store(new byte[0]);
        assertThatThrownBy(() -> cache.get(store.uriOf(emptySha).toString(), emptySha))
                .isInstanceOf(ImageCache.ImageUnavailable.class).hasMessage("image bytes are empty");
        assertThatThrownBy(() -> cache.get("not a uri at all ::", sha)).isInstanceOf(ImageCache.ImageUnavailable.class);
    }

    @Test
    void theCacheKeepsNoMoreBytesThanItsBound() {
        ImageCache cache = new ImageCache(store, PNG.length * 2L + 5);
        for (int i = 0; i < 5; i++) {
            byte[] bytes = PNG.clone();
            bytes[10] = (byte) i;
            String sha = store.store(bytes);
            cache.get(store.uriOf(sha).toString(), sha);
        }
        assertThat(cache.size()).as("two images of %d bytes fit in %d", PNG.length, PNG.length * 2 + 5).isLessThanOrEqualTo(2);
        assertThat(store.reads).hasValue(5);
    }
}
