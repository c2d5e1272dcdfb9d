package dev.spavl.responder.config;

import dev.spavl.blobstore.BlobStore;
import dev.spavl.blobstore.BlobStores;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.Config;

import java.util.HashMap;
import java.util.Map;

/** The blob store the generator writes images to (spavl.blob-store.*, see services/blob-store/README.md). */
public class BlobStoreProducer {

    @Produces
    @Singleton
    BlobStore blobStore(Config config) {
        Map<String, String> settings = new HashMap<>();
        for (String name : config.getPropertyNames()) {
            if (name.startsWith("spavl.blob-store.")) {
                config.getOptionalValue(name, String.class).ifPresent(v -> settings.put(name, v));
            }
        }
        return BlobStores.fromConfig(settings);
    }
}
