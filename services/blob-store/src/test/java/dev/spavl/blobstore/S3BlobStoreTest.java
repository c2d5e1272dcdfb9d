package dev.spavl.blobstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spavl.testkit.RequiredTool;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * {@link S3BlobStore} against a real S3 API server (S3Proxy, child JVM on a loopback port). Skipped
 * with a message when the server cannot be started here; under CI=true that fails instead ({@link RequiredTool}).
 */
class S3BlobStoreTest {

    static final String BUCKET = "spavl-blobs";

    @TempDir
    static Path work;

    static S3ProxyServer server;
    static String notStarted;
    static S3Client admin;

    S3BlobStoreConfig config;
    S3BlobStore store;

    @BeforeAll
    static void startServer() {
        try {
            server = S3ProxyServer.start(work);
        } catch (S3ProxyServer.StartFailure e) {
            // skipped per test (in setUp) so every test shows up as skipped with the reason
            notStarted = e.getMessage();
            System.err.println("WARNING: no local S3 server for S3BlobStoreTest: " + notStarted);
            return;
        }
        admin = S3BlobStore.newClient(baseConfig());
        admin.createBucket(r -> r.bucket(BUCKET));
    }

    @AfterAll
    static void stopServer() {
        if (admin != null) {
            admin.close();
        }
        if (server != null) {
            server.close();
        }
    }

    static S3BlobStoreConfig baseConfig() {
        return S3BlobStoreConfig.ofBucket(BUCKET)
                .withEndpoint(server.endpoint)
                .withPathStyle(true)
                .withCredentials(S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY);
    }

    @BeforeEach
    void setUp() {
        RequiredTool.assume(server != null, "S3Proxy (org.gaul:s3proxy, the local S3 server of this test), not started",
                "the build copies its jar-with-dependencies into target/s3proxy: run the test through ./mvnw", notStarted);
        config = baseConfig().withPrefix("/spavl/images/");
        store = new S3BlobStore(config);
    }

    @AfterEach
    void tearDown() {
        if (store != null) {
            store.close();
        }
    }

    @Test
    void roundTripWithS3UriContentTypeAndShaMetadata() {
        byte[] png = "s3 round trip".getBytes(StandardCharsets.UTF_8);
        String sha = BlobKeys.sha256Hex(png);

        StoredBlob blob = store.put(png, "image/png");

        assertThat(blob.created()).isTrue();
        assertThat(blob.sha256()).isEqualTo(sha);
        assertThat(blob.size()).isEqualTo(png.length);
        assertThat(blob.uri()).isEqualTo(URI.create("s3://" + BUCKET + "/spavl/images/sha256/"
                + sha.substring(0, 2) + "/" + sha.substring(2, 4) + "/" + sha));
        assertThat(store.uriOf(sha)).isEqualTo(blob.uri());
        assertThat(store.exists(sha)).isTrue();
        assertThat(store.get(blob.uri())).isEqualTo(png);

        var head = admin.headObject(r -> r.bucket(BUCKET).key("spavl/images/" + BlobKeys.keyOf(sha)));
        assertThat(head.contentType()).isEqualTo("image/png");
        assertThat(head.metadata()).containsEntry(S3BlobStore.SHA256_METADATA, sha);
    }

    @Test
    void secondPutOfSameBytesIsANoOp() {
        byte[] bytes = "s3 same bytes".getBytes(StandardCharsets.UTF_8);
        StoredBlob first = store.put(bytes, "image/jpeg");

        StoredBlob second = store.put(bytes, "image/jpeg");

        assertThat(first.created()).isTrue();
        assertThat(second.created()).isFalse();
        assertThat(second.uri()).isEqualTo(first.uri());
        assertThat(second.sha256()).isEqualTo(first.sha256());
    }

    @Test
    void replacedObjectIsDetectedOnGet() {
        byte[] bytes = "s3 original".getBytes(StandardCharsets.UTF_8);
        StoredBlob blob = store.put(bytes, "image/png");
        byte[] tampered = "s3 tampered".getBytes(StandardCharsets.UTF_8);
        admin.putObject(r -> r.bucket(BUCKET).key(blob.uri().getPath().substring(1)),
                RequestBody.fromBytes(tampered));

        assertThatThrownBy(() -> store.get(blob.uri()))
                .isInstanceOf(BlobIntegrityException.class)
                .hasMessageContaining(blob.uri().toString())
                .hasMessageContaining(blob.sha256())
                .hasMessageContaining(BlobKeys.sha256Hex(tampered));
    }

    @Test
    void putRepairsAnObjectOfTheWrongSize() {
        byte[] bytes = "s3 to be truncated".getBytes(StandardCharsets.UTF_8);
        StoredBlob blob = store.put(bytes, null);
        admin.putObject(r -> r.bucket(BUCKET).key(blob.uri().getPath().substring(1)),
                RequestBody.fromBytes(new byte[2]));

        assertThat(store.put(bytes, null).created()).isTrue();
        assertThat(store.get(blob.uri())).isEqualTo(bytes);
    }

    @Test
    void missingBlobIsReportedAsNotFound() {
        String sha = BlobKeys.sha256Hex("s3 never stored".getBytes(StandardCharsets.UTF_8));
        URI uri = store.uriOf(sha);

        assertThat(store.exists(sha)).isFalse();
        assertThatThrownBy(() -> store.get(uri))
                .isInstanceOf(BlobNotFoundException.class)
                .hasMessageContaining(uri.toString());
    }

    @Test
    void urisOfOtherBucketsPrefixesAndSchemesAreRefused() {
        StoredBlob blob = store.put("s3 foreign".getBytes(StandardCharsets.UTF_8), null);
        String key = BlobKeys.keyOf(blob.sha256());

        assertThatThrownBy(() -> store.get(URI.create("s3://other-bucket/spavl/images/" + key)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bucket");
        assertThatThrownBy(() -> store.get(URI.create("s3://" + BUCKET + "/" + key)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("prefix");
        assertThatThrownBy(() -> store.get(URI.create("file:/tmp/spavl/images/" + key)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("s3:");
        assertThatThrownBy(() -> store.get(URI.create("s3://" + BUCKET + "/spavl/images/sha256/../../x")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("content key");
    }

    @Test
    void fiveMegabyteBlob() {
        byte[] bytes = new byte[5 * 1024 * 1024];
        new Random(11).nextBytes(bytes);

        StoredBlob blob = store.put(bytes, "image/png");

        assertThat(blob.size()).isEqualTo(bytes.length);
        assertThat(store.get(blob.uri())).isEqualTo(bytes);
    }

    @Test
    void concurrentPutsOfTheSameBytes() throws Exception {
        byte[] bytes = new byte[64 * 1024];
        new Random(3).nextBytes(bytes);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<StoredBlob>> futures = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return store.put(bytes, "image/png");
                }));
            }
            start.countDown();
            List<StoredBlob> blobs = new ArrayList<>();
            for (Future<StoredBlob> f : futures) {
                blobs.add(f.get(60, TimeUnit.SECONDS));
            }
            assertThat(blobs).extracting(StoredBlob::uri).containsOnly(blobs.get(0).uri());
            assertThat(store.get(blobs.get(0).uri())).isEqualTo(bytes);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void factoryBuildsAWorkingS3Store() {
        try (BlobStore fromConfig = BlobStores.fromConfig(Map.of(
                BlobStores.KIND, "s3",
                BlobStores.S3_BUCKET, BUCKET,
                BlobStores.S3_PREFIX, "factory",
                BlobStores.S3_ENDPOINT, server.endpoint.toString(),
                BlobStores.S3_ACCESS_KEY_ID, S3ProxyServer.ACCESS_KEY,
                BlobStores.S3_SECRET_ACCESS_KEY, S3ProxyServer.SECRET_KEY))) {
            // path style and region defaulted because an endpoint is set
            byte[] bytes = "via factory".getBytes(StandardCharsets.UTF_8);
            StoredBlob blob = fromConfig.put(bytes, "image/webp");
            assertThat(blob.uri().toString()).startsWith("s3://" + BUCKET + "/factory/sha256/");
            assertThat(fromConfig.get(blob.uri())).isEqualTo(bytes);
        }
    }

    @Test
    void wrongCredentialsFailAsStoreErrors() {
        try (S3BlobStore bad = new S3BlobStore(config.withCredentials(S3ProxyServer.ACCESS_KEY, "wrong"))) {
            assertThatThrownBy(() -> bad.put("x".getBytes(StandardCharsets.UTF_8), null))
                    .isInstanceOf(BlobStoreException.class)
                    .cause().isInstanceOfSatisfying(S3Exception.class,
                            e -> assertThat(e.statusCode()).isEqualTo(403));
        }
    }

    /** The premise of sending Content-MD5: the server refuses a body that does not match it. */
    @Test
    void serverRejectsABodyNotMatchingItsContentMd5() throws Exception {
        String md5OfOtherBytes = Base64.getEncoder().encodeToString(
                MessageDigest.getInstance("MD5").digest("other".getBytes(StandardCharsets.UTF_8)));

        assertThatThrownBy(() -> admin.putObject(r -> r.bucket(BUCKET).key("md5-check").contentMD5(md5OfOtherBytes),
                RequestBody.fromBytes("damaged in transit".getBytes(StandardCharsets.UTF_8))))
                .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(400));
    }
}
