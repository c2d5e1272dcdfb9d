package dev.spavl.blobstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlobStoresTest {

    @TempDir
    Path tmp;

    @Test
    void filesystemIsTheDefaultKind() throws Exception {
        Path root = tmp.resolve("fs-root");
        try (BlobStore store = BlobStores.fromConfig(Map.of(BlobStores.ROOT, root.toString()))) {
            assertThat(store).isInstanceOf(FileSystemBlobStore.class);
            assertThat(((FileSystemBlobStore) store).root()).isEqualTo(root.toRealPath());
        }
        try (BlobStore store = BlobStores.fromConfig(Map.of(
                BlobStores.KIND, " FileSystem ", BlobStores.ROOT, root.toString()))) {
            assertThat(store).isInstanceOf(FileSystemBlobStore.class);
        }
    }

    @Test
    void unknownKindIsRejected() {
        assertThatThrownBy(() -> BlobStores.fromConfig(Map.of(BlobStores.KIND, "gcs")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("spavl.blob-store.kind");
    }

    @Test
    void s3KeysMapOntoTheConfig() {
        S3BlobStoreConfig c = BlobStores.s3Config(Map.of(
                "spavl.blob-store.s3.bucket", "images",
                "spavl.blob-store.s3.prefix", "/runs/",
                "spavl.blob-store.s3.endpoint", "http://127.0.0.1:9000",
                "spavl.blob-store.s3.region", "eu-central-1",
                "spavl.blob-store.s3.path-style", "false",
                "spavl.blob-store.s3.access-key-id", "id",
                "spavl.blob-store.s3.secret-access-key", "secret"));
        assertThat(c).isEqualTo(new S3BlobStoreConfig(
                "images", "runs", URI.create("http://127.0.0.1:9000"), "eu-central-1", false, "id", "secret"));
    }

    @Test
    void s3Defaults() {
        S3BlobStoreConfig aws = BlobStores.s3Config(Map.of("spavl.blob-store.s3.bucket", "images",
                "spavl.blob-store.s3.endpoint", ""));
        assertThat(aws.pathStyle()).isFalse();
        assertThat(aws.endpoint()).isNull();
        assertThat(aws.hasStaticCredentials()).isFalse();
        S3BlobStoreConfig minio = BlobStores.s3Config(Map.of("spavl.blob-store.s3.bucket", "images",
                "spavl.blob-store.s3.endpoint", "http://127.0.0.1:9000"));
        assertThat(minio.pathStyle()).as("path style on with an endpoint override").isTrue();
        assertThat(minio.effectiveRegion()).contains("us-east-1");
    }

    @Test
    void invalidS3SettingsAreRejected() {
        assertThatThrownBy(() -> BlobStores.fromConfig(Map.of(BlobStores.KIND, "s3")))
                .hasMessageContaining("spavl.blob-store.s3.bucket");
        assertThatThrownBy(() -> BlobStores.s3Config(Map.of("spavl.blob-store.s3.bucket", "images",
                "spavl.blob-store.s3.path-style", "yes")))
                .hasMessageContaining("spavl.blob-store.s3.path-style");
        assertThatThrownBy(() -> BlobStores.s3Config(Map.of("spavl.blob-store.s3.bucket", "images",
                "spavl.blob-store.s3.endpoint", "http://bad host")))
                .hasMessageContaining("spavl.blob-store.s3.endpoint");
        assertThatThrownBy(() -> BlobStores.s3Config(Map.of("spavl.blob-store.s3.bucket", "images",
                "spavl.blob-store.s3.access-key-id", "id")))
                .hasMessageContaining("together");
    }
}
