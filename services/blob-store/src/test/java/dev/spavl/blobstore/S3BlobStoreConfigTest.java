package dev.spavl.blobstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;

import org.junit.jupiter.api.Test;

/** Config validation and the S3 key/URI mapping; no server needed. */
class S3BlobStoreConfigTest {

    static final String SHA = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    @Test
    void defaults() {
        S3BlobStoreConfig c = S3BlobStoreConfig.ofBucket("images");
        assertThat(c.prefix()).isEmpty();
        assertThat(c.endpointOverride()).isEmpty();
        assertThat(c.effectiveRegion()).as("left to the SDK's region chain").isEmpty();
        assertThat(c.pathStyle()).isFalse();
        assertThat(c.hasStaticCredentials()).isFalse();
        assertThat(c.withEndpoint(URI.create("http://127.0.0.1:9000")).effectiveRegion()).contains("us-east-1");
        assertThat(c.withRegion("eu-west-1").effectiveRegion()).contains("eu-west-1");
    }

    @Test
    void prefixIsNormalizedAndValidated() {
        S3BlobStoreConfig c = S3BlobStoreConfig.ofBucket("images");
        assertThat(c.withPrefix("/a/b/").prefix()).isEqualTo("a/b");
        assertThat(c.withPrefix("a/b").keyPrefix()).isEqualTo("a/b/");
        assertThat(c.withPrefix(" ").keyPrefix()).isEmpty();
        assertThat(c.withPrefix("///").keyPrefix()).isEmpty();
        for (String bad : new String[] {"a//b", "a/../b", "./a", "a b", "a?b", "a%2Fb"}) {
            assertThatThrownBy(() -> c.withPrefix(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("prefix");
        }
    }

    @Test
    void invalidSettingsAreRejected() {
        assertThatThrownBy(() -> S3BlobStoreConfig.ofBucket(null)).hasMessageContaining("bucket");
        assertThatThrownBy(() -> S3BlobStoreConfig.ofBucket("a/b")).hasMessageContaining("bucket");
        assertThatThrownBy(() -> S3BlobStoreConfig.ofBucket("x")).hasMessageContaining("bucket");
        S3BlobStoreConfig c = S3BlobStoreConfig.ofBucket("images");
        assertThatThrownBy(() -> c.withEndpoint(URI.create("ftp://host"))).hasMessageContaining("endpoint");
        assertThatThrownBy(() -> c.withEndpoint(URI.create("localhost:9000"))).hasMessageContaining("endpoint");
        assertThatThrownBy(() -> c.withCredentials("id", null)).hasMessageContaining("together");
        assertThatThrownBy(() -> c.withCredentials(" ", "secret")).hasMessageContaining("together");
        assertThat(c.withCredentials("id", "secret").hasStaticCredentials()).isTrue();
    }

    @Test
    void toStringMasksTheSecret() {
        String s = S3BlobStoreConfig.ofBucket("images").withCredentials("AKIDEXAMPLE", "s3cr3t-value").toString();
        assertThat(s).contains("AKIDEXAMPLE").doesNotContain("s3cr3t-value").contains("****");
    }

    @Test
    void keysAndUrisMapBothWays() {
        S3BlobStoreConfig c = S3BlobStoreConfig.ofBucket("legacy_Bucket")
                .withPrefix("spavl/images")
                .withEndpoint(URI.create("http://127.0.0.1:1"))
                .withCredentials("id", "secret");
        // building a client does not connect
        try (S3BlobStore store = new S3BlobStore(c)) {
            URI uri = store.uriOf(SHA.toUpperCase());
            assertThat(uri).hasToString("s3://legacy_Bucket/spavl/images/sha256/ba/78/" + SHA);
            assertThat(store.keyOfUri(uri)).isEqualTo("spavl/images/sha256/ba/78/" + SHA);
            assertThat(store.keyOf(SHA)).isEqualTo("spavl/images/sha256/ba/78/" + SHA);

            assertThatThrownBy(() -> store.get(URI.create("s3://other/spavl/images/sha256/ba/78/" + SHA)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bucket 'legacy_Bucket'");
            assertThatThrownBy(() -> store.get(URI.create("s3://legacy_Bucket/sha256/ba/78/" + SHA)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("prefix");
            assertThatThrownBy(() -> store.get(URI.create("s3://legacy_Bucket/spavl/images/sha256/ba/79/" + SHA)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("content key");
            assertThatThrownBy(() -> store.get(URI.create("s3://legacy_Bucket/spavl/images/sha256/ba/78/" + SHA + "?v=1")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("query");
            assertThatThrownBy(() -> store.get(URI.create("https://legacy_Bucket/spavl/images/sha256/ba/78/" + SHA)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("s3:");
        }
    }

    @Test
    void noPrefixMeansKeysAtTheBucketRoot() {
        S3BlobStoreConfig c = S3BlobStoreConfig.ofBucket("images")
                .withEndpoint(URI.create("http://127.0.0.1:1")).withCredentials("id", "secret");
        try (S3BlobStore store = new S3BlobStore(c)) {
            assertThat(store.uriOf(SHA)).hasToString("s3://images/sha256/ba/78/" + SHA);
        }
    }
}
