package dev.spavl.registry;

import io.apicurio.common.apps.config.DynamicConfigPropertyList;

import javax.enterprise.context.ApplicationScoped;
import javax.enterprise.inject.Produces;
import javax.inject.Singleton;
import java.util.ArrayList;

/**
 * Stands in for the bean that the (unpublished) config-index deployment module would generate.
 * An empty list means no registry setting is editable at runtime through the admin API;
 * startup flags (-Dregistry.*) keep working.
 */
@ApplicationScoped
public class DynamicConfigPropertiesProducer {

    @Produces
    @Singleton
    public DynamicConfigPropertyList dynamicConfigProperties() {
        return new DynamicConfigPropertyList(new ArrayList<>());
    }
}
