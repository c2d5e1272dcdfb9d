package dev.spavl.responder.config;

import dev.spavl.responder.catalog.ModelCatalog;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

/**
 * The model catalog: the paper's 12 models, then SPAVL_MODELS_FILE, then
 * spavl.models.&lt;id&gt;.&lt;field&gt; keys (see CATALOG.md). Adding a model is configuration only.
 */
public class CatalogProducer {

    private static final Logger LOG = Logger.getLogger(CatalogProducer.class);

    @Produces
    @Singleton
    ModelCatalog catalog(Config config) {
        ModelCatalog catalog = ModelCatalog.fromConfig(config.getPropertyNames(), n -> config.getOptionalValue(n, String.class));
        LOG.infof("model catalog: %d models %s", catalog.ids().size(), catalog.ids());
        return catalog;
    }
}
