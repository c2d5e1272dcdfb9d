package dev.spavl.blobstore;

import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.Config;

/**
 * The one {@link BlobStore} of a service, from {@code spavl.blob-store.*} (see README.md): every service that
 * reads or writes image bytes (generator, responder, judge, packager) injects it.
 */
@Dependent
public class BlobStoreProducer {

    @Produces
    @Singleton
    BlobStore blobStore(Config config) {
        return BlobStores.fromConfig(config.getPropertyNames(), n -> config.getOptionalValue(n, String.class));
    }
}
