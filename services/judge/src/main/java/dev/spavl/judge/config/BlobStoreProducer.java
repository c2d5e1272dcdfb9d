package dev.spavl.judge.config;

import dev.spavl.blobstore.BlobStore;
import dev.spavl.blobstore.BlobStores;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.Config;

/** The blob store the generator writes images to (spavl.blob-store.*, see services/blob-store/README.md). */
public class BlobStoreProducer {

    @Produces
    @Singleton
    BlobStore blobStore(Config config) {
        return BlobStores.fromConfig(config.getPropertyNames(), n -> config.getOptionalValue(n, String.class));
    }
}
