package dev.spavl.responder.client;

import dev.spavl.responder.catalog.ModelCatalog;
import dev.spavl.responder.catalog.ModelSpec;
import dev.spavl.responder.starter.ModelResponder;
import dev.spavl.responder.starter.Responds;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.lang.annotation.Annotation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The model of each lane, as a {@link ModelResponder}: for {@code provider: custom} the process' bean annotated
 * {@code @Responds("<id>")} (services/responder-starter), for every other provider the built-in HTTP client or
 * simulated persona ({@link BuiltInResponders}). The beans are checked against the catalog when this is built, so
 * a typo in an id or a forgotten catalog entry stops the start with a message that says what to change.
 */
@ApplicationScoped
public class ModelResponders {

    private static final Logger LOG = Logger.getLogger(ModelResponders.class);

    private final Map<String, Instance.Handle<ModelResponder>> beans = new TreeMap<>();
    private final Vertx vertx;
    private final long seed;

    public ModelResponders(@Any Instance<ModelResponder> responders, ModelCatalog catalog, Vertx vertx,
                           @ConfigProperty(name = "spavl.responder.simulation-seed", defaultValue = "2406") long seed) {
        this.vertx = vertx;
        this.seed = seed;
        List<Declared> declared = new ArrayList<>();
        for (Instance.Handle<ModelResponder> handle : responders.handles()) {
            Declared d = new Declared(handle.getBean().getBeanClass().getName(), respondsTo(handle));
            declared.add(d);
            if (d.modelId() != null) {
                beans.putIfAbsent(d.modelId(), handle);
            }
        }
        List<String> problems = problems(declared, catalog);
        if (!problems.isEmpty()) {
            throw new IllegalStateException("responder models: " + String.join("; ", problems));
        }
        if (!beans.isEmpty()) {
            LOG.infof("ModelResponder beans for model(s) %s", beans.keySet());
        }
    }

    /** A ModelResponder bean: its class, and the model id of its {@code @Responds}, null without one. */
    record Declared(String beanClass, String modelId) {
    }

    /** What is wrong with the beans, given the catalog: each problem says what to change. */
    static List<String> problems(List<Declared> declared, ModelCatalog catalog) {
        List<String> problems = new ArrayList<>();
        Map<String, String> seen = new TreeMap<>();
        for (Declared d : declared) {
            String id = d.modelId();
            if (id == null) {
                problems.add("ModelResponder bean " + d.beanClass() + " names no model: annotate it @Responds(\"<model id>\")");
                continue;
            }
            String other = seen.putIfAbsent(id, d.beanClass());
            if (other != null) {
                problems.add("two ModelResponder beans answer for model '" + id + "': " + other + " and " + d.beanClass()
                        + "; keep one @Responds(\"" + id + "\")");
                continue;
            }
            ModelSpec spec = catalog.find(id).orElse(null);
            if (spec == null) {
                problems.add("ModelResponder bean " + d.beanClass() + " answers for model '" + id + "', which the catalog does "
                        + "not have: add spavl.models." + id + ".provider=custom (or an entry with provider: custom in SPAVL_MODELS_FILE)");
            } else if (spec.provider() != ModelSpec.Provider.CUSTOM) {
                problems.add("ModelResponder bean " + d.beanClass() + " answers for model '" + id + "', but the catalog says provider "
                        + spec.provider() + " for it: set spavl.models." + id + ".provider=custom to have the bean answer");
            }
        }
        return problems;
    }

    private static String respondsTo(Instance.Handle<ModelResponder> handle) {
        for (Annotation q : handle.getBean().getQualifiers()) {
            if (q instanceof Responds r) {
                return r.value();
            }
        }
        return null;
    }

    /**
     * The responder of a hosted model's lane.
     *
     * @throws IllegalStateException for a custom model without a bean
     */
    public ModelResponder forLane(ModelSpec spec) {
        if (spec.provider() != ModelSpec.Provider.CUSTOM) {
            return BuiltInResponders.create(spec, vertx, seed);
        }
        Instance.Handle<ModelResponder> handle = beans.get(spec.id());
        if (handle == null) {
            throw new IllegalStateException("model " + spec.id() + " has provider custom, but no ModelResponder bean answers for it: "
                    + "add a class implementing dev.spavl.responder.starter.ModelResponder annotated @ApplicationScoped and "
                    + "@Responds(\"" + spec.id() + "\") to this application (services/responder-starter/README.md)"
                    + (beans.isEmpty() ? "" : "; beans found for " + beans.keySet()));
        }
        return handle.get();
    }
}
