package dev.spavl.blobstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSystemBlobStoreTest {

    @TempDir
    Path tmp;

    Path root;
    FileSystemBlobStore store;

    @BeforeEach
    void setUp() {
        root = tmp.resolve("blobs");
        store = new FileSystemBlobStore(root);
    }

    @Test
    void roundTripUsesContentAddressedFileUri() throws Exception {
        byte[] png = "fake png bytes".getBytes(StandardCharsets.UTF_8);
        String sha = BlobKeys.sha256Hex(png);

        StoredBlob blob = store.put(png, "image/png");

        assertThat(blob.created()).isTrue();
        assertThat(blob.sha256()).isEqualTo(sha).matches("[0-9a-f]{64}");
        assertThat(blob.size()).isEqualTo(png.length);
        assertThat(blob.uri().getScheme()).isEqualTo("file");
        Path file = Path.of(blob.uri());
        assertThat(file).isEqualTo(root.toRealPath()
                .resolve("sha256").resolve(sha.substring(0, 2)).resolve(sha.substring(2, 4)).resolve(sha));
        assertThat(blob.uri()).isEqualTo(store.uriOf(sha)).isEqualTo(store.uriOf(sha.toUpperCase()));
        assertThat(store.exists(sha)).isTrue();
        assertThat(store.get(blob.uri())).isEqualTo(png);
        // no temp files left behind
        try (Stream<Path> files = Files.list(file.getParent())) {
            assertThat(files).containsExactly(file);
        }
    }

    @Test
    void emptyBlobIsStoredToo() {
        StoredBlob blob = store.put(new byte[0], null);
        assertThat(blob.size()).isZero();
        assertThat(store.get(blob.uri())).isEmpty();
    }

    @Test
    void secondPutOfSameBytesIsANoOp() throws Exception {
        byte[] bytes = "same image".getBytes(StandardCharsets.UTF_8);
        StoredBlob first = store.put(bytes, "image/jpeg");
        long mtime = Files.getLastModifiedTime(Path.of(first.uri())).toMillis();

        StoredBlob second = store.put(bytes.clone(), "image/jpeg");

        assertThat(second.created()).isFalse();
        assertThat(second.uri()).isEqualTo(first.uri());
        assertThat(second.sha256()).isEqualTo(first.sha256());
        assertThat(second.size()).isEqualTo(first.size());
        assertThat(Files.getLastModifiedTime(Path.of(first.uri())).toMillis()).isEqualTo(mtime);
    }

    @Test
    void differentBytesGetDifferentUris() {
        StoredBlob a = store.put(new byte[] {1}, null);
        StoredBlob b = store.put(new byte[] {2}, null);
        assertThat(a.uri()).isNotEqualTo(b.uri());
        assertThat(b.created()).isTrue();
    }

    @Test
    void corruptedFileIsDetectedOnGet() throws Exception {
        byte[] bytes = "original content".getBytes(StandardCharsets.UTF_8);
        StoredBlob blob = store.put(bytes, "image/png");
        byte[] tampered = bytes.clone();
        tampered[0] ^= 0x01; // same size, one bit flipped
        Files.write(Path.of(blob.uri()), tampered);

        assertThatThrownBy(() -> store.get(blob.uri()))
                .isInstanceOf(BlobIntegrityException.class)
                .hasMessageContaining(blob.uri().toString())
                .hasMessageContaining(blob.sha256())
                .hasMessageContaining(BlobKeys.sha256Hex(tampered))
                .satisfies(e -> {
                    var ie = (BlobIntegrityException) e;
                    assertThat(ie.uri()).isEqualTo(blob.uri());
                    assertThat(ie.expectedSha256()).isEqualTo(blob.sha256());
                    assertThat(ie.actualSha256()).isEqualTo(BlobKeys.sha256Hex(tampered));
                });
    }

    @Test
    void putRepairsATruncatedFile() throws Exception {
        byte[] bytes = "to be truncated".getBytes(StandardCharsets.UTF_8);
        StoredBlob blob = store.put(bytes, null);
        Files.write(Path.of(blob.uri()), new byte[3]);

        StoredBlob again = store.put(bytes, null);

        assertThat(again.created()).isTrue();
        assertThat(store.get(blob.uri())).isEqualTo(bytes);
    }

    @Test
    void missingBlobIsReportedAsNotFound() {
        String sha = BlobKeys.sha256Hex("never stored".getBytes(StandardCharsets.UTF_8));
        URI uri = store.uriOf(sha);

        assertThat(store.exists(sha)).isFalse();
        assertThatThrownBy(() -> store.get(uri))
                .isInstanceOf(BlobNotFoundException.class)
                .hasMessageContaining(uri.toString());
    }

    @Test
    void traversalAndForeignUrisAreRefused() throws Exception {
        StoredBlob blob = store.put("x".getBytes(StandardCharsets.UTF_8), null);
        Path outside = Files.writeString(tmp.resolve("secret.txt"), "secret");
        String rootUri = root.toRealPath().toUri().toString(); // ends with '/'

        // '..' that climbs out of the root
        assertThatThrownBy(() -> store.get(URI.create(rootUri + "sha256/../../secret.txt")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("traversal");
        // '..' that stays inside is refused too: canonical URIs never carry it
        String key = BlobKeys.keyOf(blob.sha256());
        assertThatThrownBy(() -> store.get(URI.create(rootUri + "sha256/../" + key)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("traversal");
        // percent-encoded dots decode to '..'
        assertThatThrownBy(() -> store.get(URI.create(rootUri + "sha256/%2e%2e/%2e%2e/secret.txt")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("traversal");
        // absolute path outside the root
        assertThatThrownBy(() -> store.get(outside.toUri()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("outside");
        // inside the root but not a content key
        Files.writeString(root.resolve("notes.txt"), "hi");
        assertThatThrownBy(() -> store.get(URI.create(rootUri + "notes.txt")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("content key");
        // relative (opaque) file: URI
        assertThatThrownBy(() -> store.get(URI.create("file:" + key)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("malformed");
        // another scheme
        assertThatThrownBy(() -> store.get(URI.create("s3://bucket/" + key)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("file:");
    }

    @Test
    void symlinkEscapingTheRootIsRefused() throws Exception {
        byte[] secret = "outside the root".getBytes(StandardCharsets.UTF_8);
        String sha = BlobKeys.sha256Hex(secret);
        Path outside = Files.write(tmp.resolve("outside.bin"), secret);
        Path link = Path.of(store.uriOf(sha));
        Files.createDirectories(link.getParent());
        Files.createSymbolicLink(link, outside);

        // the hash would even match: only the location check stops this read
        assertThatThrownBy(() -> store.get(store.uriOf(sha)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("symlink")
                .hasMessageContaining("outside");
    }

    @Test
    void symlinkedFanOutDirectoryEscapingTheRootIsRefused() throws Exception {
        byte[] secret = "dir escape".getBytes(StandardCharsets.UTF_8);
        String sha = BlobKeys.sha256Hex(secret);
        Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
        Files.write(elsewhere.resolve(sha), secret);
        Path fanOut = Path.of(store.uriOf(sha)).getParent();
        Files.createDirectories(fanOut.getParent());
        Files.createSymbolicLink(fanOut, elsewhere);

        assertThatThrownBy(() -> store.get(store.uriOf(sha)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("outside");
    }

    @Test
    void concurrentPutsOfTheSameBytesAreSafe() throws Exception {
        byte[] bytes = new byte[256 * 1024];
        new Random(42).nextBytes(bytes);
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<StoredBlob>> results = new ArrayList<>();
            for (int i = 0; i < threads * 4; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return store.put(bytes, "image/png");
                }));
            }
            start.countDown();
            List<StoredBlob> blobs = new ArrayList<>();
            for (Future<StoredBlob> f : results) {
                blobs.add(f.get(30, TimeUnit.SECONDS));
            }

            assertThat(blobs).extracting(StoredBlob::uri).containsOnly(blobs.get(0).uri());
            assertThat(blobs).extracting(StoredBlob::size).containsOnly((long) bytes.length);
            assertThat(blobs).anyMatch(StoredBlob::created);
            assertThat(store.get(blobs.get(0).uri())).isEqualTo(bytes);
            try (Stream<Path> files = Files.list(Path.of(blobs.get(0).uri()).getParent())) {
                assertThat(files).as("no temp files left").hasSize(1);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void fiveMegabyteBlob() {
        byte[] bytes = new byte[5 * 1024 * 1024];
        new Random(7).nextBytes(bytes);

        StoredBlob blob = store.put(bytes, "image/png");

        assertThat(blob.size()).isEqualTo(5L * 1024 * 1024);
        assertThat(store.get(blob.uri())).isEqualTo(bytes);
        assertThat(store.put(bytes, "image/png").created()).isFalse();
    }

    @Test
    void anotherStoreOnTheSameRootSeesTheBlobs() {
        StoredBlob blob = store.put("shared".getBytes(StandardCharsets.UTF_8), null);
        FileSystemBlobStore other = new FileSystemBlobStore(root);
        assertThat(other.exists(blob.sha256())).isTrue();
        assertThat(other.get(blob.uri())).isEqualTo("shared".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void invalidShaIsRejected() {
        assertThatThrownBy(() -> store.exists("abc")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.uriOf("z".repeat(64))).isInstanceOf(IllegalArgumentException.class);
    }
}
