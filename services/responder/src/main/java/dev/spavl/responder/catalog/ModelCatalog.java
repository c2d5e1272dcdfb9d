package dev.spavl.responder.catalog;

import dev.spavl.responder.simulated.LatencyShape;

import static dev.spavl.responder.catalog.CatalogFields.*;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.spavl.responder.catalog.ModelSpec.CircuitBreakerPolicy;
import dev.spavl.responder.catalog.ModelSpec.Decoding;
import dev.spavl.responder.catalog.ModelSpec.Faults;
import dev.spavl.responder.catalog.ModelSpec.Latency;
import dev.spavl.responder.catalog.ModelSpec.Persona;
import dev.spavl.responder.catalog.ModelSpec.Price;
import dev.spavl.responder.catalog.ModelSpec.Provider;
import dev.spavl.responder.catalog.ModelSpec.RateLimit;
import dev.spavl.responder.catalog.ModelSpec.RefusalStyle;
import dev.spavl.responder.catalog.ModelSpec.Retry;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The models the responder can host, one lane each. Built in three layers, later ones winning:
 * <ol>
 *   <li>the bundled {@value #DEFAULT_RESOURCE} (the paper's 12 models, all {@code simulated});</li>
 *   <li>an optional catalog file in the same YAML format: an entry replaces the model with the same id as a
 *       whole, or adds a new model;</li>
 *   <li>overrides {@code spavl.models.<id>.<field>=value}, field by field; a key naming an id that
 *       does not exist yet creates that model. The environment-variable spelling
 *       {@code SPAVL_MODELS_<ID>_<FIELD>} is accepted for models that already exist (an
 *       environment name cannot say whether '_' stood for '-', '.' or '_', so it cannot name a new id).</li>
 * </ol>
 * Plain Java, no CDI: the service builds it once at start from its configuration ({@link #fromConfig}).
 */
public final class ModelCatalog {

    /** Classpath location of the bundled catalog. */
    public static final String DEFAULT_RESOURCE = "/dev/spavl/responder/catalog/default-models.yaml";
    /** Prefix of the per-field override keys. */
    public static final String PREFIX = "spavl.models.";
    /** The same prefix as an environment variable spells it. */
    public static final String ENV_PREFIX = "SPAVL_MODELS_";
    /** Property naming the catalog file; as an environment variable {@value #CATALOG_FILE_ENV}. */
    public static final String CATALOG_FILE_PROPERTY = "spavl.models-file";
    public static final String CATALOG_FILE_ENV = "SPAVL_MODELS_FILE";

    private static final String BUNDLED_SOURCE = "bundled default-models.yaml";

    private final List<ModelSpec> models;
    private final Map<String, ModelSpec> byId;

    private ModelCatalog(List<ModelSpec> models) {
        this.models = List.copyOf(models);
        Map<String, ModelSpec> m = new LinkedHashMap<>();
        for (ModelSpec s : models) {
            if (m.put(s.id(), s) != null) {
                throw new CatalogException(List.of("model '" + s.id() + "' appears twice"));
            }
        }
        this.byId = Map.copyOf(m);
    }

    /** A catalog of exactly these models, in this order (tests and tools; services use {@link #load}). */
    public static ModelCatalog of(List<ModelSpec> models) {
        return new ModelCatalog(models);
    }

    /** The bundled default: the paper's 12 models. */
    public static ModelCatalog bundled() {
        return load(Optional.empty(), Map.of());
    }

    /**
     * Bundled default, then the catalog file, then the overrides.
     *
     * @param catalogFile YAML file in the bundled format, or empty
     * @param overrides   {@code spavl.models.<id>.<field>} and {@code SPAVL_MODELS_<ID>_<FIELD>}
     *                    keys; other keys are ignored, so a whole configuration map may be passed; a blank value
     *                    resets the field to its default
     * @throws CatalogException listing every problem, each naming the model id and the field
     */
    public static ModelCatalog load(Optional<Path> catalogFile, Map<String, String> overrides) {
        List<String> problems = new ArrayList<>();
        LinkedHashMap<String, Draft> drafts = new LinkedHashMap<>();
        for (Draft d : readBundled(problems)) {
            drafts.put(d.id, d);
        }
        // ids of the bundle keep its order; everything added later is listed after them, sorted by id
        Set<String> bundledIds = new LinkedHashSet<>(drafts.keySet());

        if (catalogFile != null && catalogFile.isPresent()) {
            for (Draft d : readFile(catalogFile.get(), problems)) {
                drafts.put(d.id, d); // replaces a same-id model as a whole, keeping its position
            }
        }
        applyOverrides(drafts, overrides == null ? Map.of() : overrides, problems);

        List<ModelSpec> specs = new ArrayList<>();
        for (String id : bundledIds) {
            build(drafts.get(id), problems, specs);
        }
        new TreeMap<>(drafts).forEach((id, d) -> {
            if (!bundledIds.contains(id)) {
                build(d, problems, specs);
            }
        });
        if (!problems.isEmpty()) {
            throw new CatalogException(problems);
        }
        return new ModelCatalog(specs);
    }

    /**
     * Builds the catalog from a service's configuration: the file named by {@value #CATALOG_FILE_PROPERTY} (env
     * {@value #CATALOG_FILE_ENV}) and the overrides among {@code names} (see {@link #overridesFrom}).
     */
    public static ModelCatalog fromConfig(Iterable<String> names, Function<String, Optional<String>> value) {
        Optional<Path> file = value.apply(CATALOG_FILE_PROPERTY)
                .or(() -> value.apply(CATALOG_FILE_ENV))
                .filter(s -> !s.isBlank())
                .map(s -> Path.of(s.trim()));
        return load(file, overridesFrom(names, value));
    }

    /**
     * Picks the catalog overrides out of a configuration's property names (e.g. {@code Config.getPropertyNames()}
     * and {@code Config.getOptionalValue(name, String.class)}): dotted keys starting with {@value #PREFIX} and
     * environment-style keys starting with {@value #ENV_PREFIX}, except the catalog-file setting itself.
     * Sorted by key so the result does not depend on the configuration's iteration order.
     */
    public static Map<String, String> overridesFrom(Iterable<String> names, Function<String, Optional<String>> value) {
        Set<String> all = new java.util.HashSet<>();
        names.forEach(all::add);
        Map<String, String> out = new TreeMap<>();
        for (String name : all) {
            if (name == null || name.equals(CATALOG_FILE_ENV)) {
                continue;
            }
            if (name.startsWith(PREFIX) && all.contains(envForm(name))) {
                // SmallRye also lists an environment variable under a dotted name of its own making
                // (SPAVL_MODELS_OTTER_PERSONA_FAULTS_RATE_500 -> spavl.models.otter.persona.faults.rate.500),
                // which loses the dashes of ids and fields: the variable itself is read instead
                continue;
            }
            if (name.startsWith(PREFIX) || name.startsWith(ENV_PREFIX)) {
                value.apply(name).ifPresent(v -> out.put(name, v));
            }
        }
        return out;
    }

    /** All models: the bundled ones in file order, then added ones sorted by id. */
    public List<ModelSpec> models() {
        return models;
    }

    public Optional<ModelSpec> find(String id) {
        return Optional.ofNullable(id == null ? null : byId.get(id));
    }

    /** @throws IllegalArgumentException naming the known ids */
    public ModelSpec require(String id) {
        return find(id).orElseThrow(() -> new IllegalArgumentException(
                "no model '" + id + "' in the catalog; known: " + ids()));
    }

    /** Model ids in {@link #models()} order. */
    public List<String> ids() {
        return models.stream().map(ModelSpec::id).toList();
    }

    @Override
    public String toString() {
        return "ModelCatalog" + ids();
    }

    // ---- reading YAML -----------------------------------------------------------------------------------

    /** A model's settings as strings, before parsing: lets YAML and overrides merge field by field. */
    private static final class Draft {
        final String id;
        final Map<String, String> values = new LinkedHashMap<>();
        final Set<String> sources = new LinkedHashSet<>();
        /** Set when only overrides describe the model: error messages then say which keys to add. */
        boolean fromOverrides;

        Draft(String id, String source) {
            this.id = id;
            this.sources.add(source);
        }

        String where() {
            return "model '" + id + "' (from " + String.join(" + ", sources) + ")";
        }
    }

    private static List<Draft> readBundled(List<String> problems) {
        try (InputStream in = ModelCatalog.class.getResourceAsStream(DEFAULT_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("bundled catalog " + DEFAULT_RESOURCE + " is missing from the classpath");
            }
            return parse(mapper().readTree(in), BUNDLED_SOURCE, problems);
        } catch (IOException e) {
            throw new CatalogException("cannot read " + BUNDLED_SOURCE + ": " + e.getMessage(), e);
        }
    }

    private static List<Draft> readFile(Path file, List<String> problems) {
        String source = "catalog file " + file;
        if (!Files.isRegularFile(file)) {
            problems.add(source + ": no such file (set by " + CATALOG_FILE_PROPERTY + " / " + CATALOG_FILE_ENV + ")");
            return List.of();
        }
        try (InputStream in = Files.newInputStream(file)) {
            return parse(mapper().readTree(in), source, problems);
        } catch (JsonProcessingException e) {
            problems.add(source + ": not valid YAML: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")"));
            return List.of();
        } catch (IOException e) {
            problems.add(source + ": cannot read: " + e.getMessage());
            return List.of();
        }
    }

    private static List<Draft> parse(JsonNode root, String source, List<String> problems) {
        List<Draft> out = new ArrayList<>();
        if (root == null || root.isMissingNode() || root.isNull()) {
            return out; // an empty file adds nothing
        }
        if (!root.isObject()) {
            problems.add(source + ": expected a mapping with a 'models' list at the top");
            return out;
        }
        for (Map.Entry<String, JsonNode> top : root.properties()) {
            String key = top.getKey();
            if (!key.equals("models")) {
                problems.add(source + ": unknown top-level key '" + key + "' (only 'models' is allowed)");
            }
        }
        JsonNode list = root.path("models");
        if (list.isMissingNode() || list.isNull()) {
            return out;
        }
        if (!list.isArray()) {
            problems.add(source + ": 'models' must be a list of model entries");
            return out;
        }
        Set<String> seen = new LinkedHashSet<>();
        int index = 0;
        for (JsonNode entry : list) {
            index++;
            JsonNode idNode = entry.path("id");
            if (!entry.isObject() || !idNode.isValueNode() || idNode.asText().isBlank()) {
                problems.add(source + ": model entry #" + index + " has no 'id'");
                continue;
            }
            Draft d = new Draft(idNode.asText().trim(), source);
            if (!seen.add(d.id)) {
                problems.add(d.where() + ": the id appears twice in the file");
                continue;
            }
            for (Map.Entry<String, JsonNode> f : entry.properties()) {
                if (!f.getKey().equals("id")) {
                    flatten(d, f.getKey(), f.getValue(), problems);
                }
            }
            out.add(d);
        }
        return out;
    }

    private static void flatten(Draft d, String path, JsonNode node, List<String> problems) {
        if (node.isNull()) {
            return; // "field: ~" means "not set"
        }
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> f : node.properties()) {
                flatten(d, path + "." + f.getKey(), f.getValue(), problems);
            }
            return;
        }
        String field = canonical(path);
        if (field == null || !node.isValueNode()) {
            problems.add(d.where() + ": unknown field '" + path + "'; known fields: " + String.join(", ", FIELDS));
            return;
        }
        d.values.put(field, node.asText());
    }

    private static ObjectMapper mapper() {
        // floats as BigDecimal: the text of a price survives exactly ("0.0005", not 5.0E-4 via double)
        return new ObjectMapper(new YAMLFactory())
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    }

    // ---- overrides --------------------------------------------------------------------------------------

    private static void applyOverrides(Map<String, Draft> drafts, Map<String, String> overrides, List<String> problems) {
        Map<String, String> sorted = new TreeMap<>(overrides);
        Map<String, String> envStyle = new TreeMap<>();
        for (Map.Entry<String, String> e : sorted.entrySet()) {
            String key = e.getKey();
            if (key.startsWith(PREFIX)) {
                applyDotted(drafts, key, e.getValue(), problems);
            } else if (key.startsWith(ENV_PREFIX) && !key.equals(CATALOG_FILE_ENV)) {
                envStyle.put(key, e.getValue());
            }
        }
        // environment variables after dotted keys: in Quarkus the environment also wins over properties
        envStyle.forEach((key, v) -> applyEnv(drafts, key, v, problems));
    }

    private static void applyDotted(Map<String, Draft> drafts, String key, String value, List<String> problems) {
        String rest = key.substring(PREFIX.length());
        String id = null;
        String spelling = null;
        if (rest.startsWith("\"")) {
            // SmallRye's quoting for keys that contain dots: spavl.models."llava-1.5-7b".concurrency
            int close = rest.indexOf('"', 1);
            if (close > 1 && rest.length() > close + 2 && rest.charAt(close + 1) == '.') {
                id = rest.substring(1, close);
                spelling = rest.substring(close + 2);
            }
        } else {
            // ids may contain dots too, so the field is recognised from the end of the key
            for (String s : spellingsLongestFirst()) {
                if (rest.endsWith("." + s) && rest.length() > s.length() + 1) {
                    id = rest.substring(0, rest.length() - s.length() - 1);
                    spelling = s;
                    break;
                }
            }
        }
        String field = spelling == null ? null : canonical(spelling);
        if (id == null || field == null) {
            // most likely a misspelt field of a model that exists: say so in the usual "model '<id>'" form
            String known = drafts.keySet().stream().filter(k -> rest.startsWith(k + "."))
                    .max((a, b) -> Integer.compare(a.length(), b.length())).orElse(null);
            problems.add((known == null ? "override '" + key + "'"
                    : "model '" + known + "' (override '" + key + "'): unknown field '"
                            + rest.substring(known.length() + 1) + "'")
                    + ": expected " + PREFIX + "<id>.<field> with a known field: " + String.join(", ", FIELDS));
            return;
        }
        Draft d = drafts.get(id);
        String source = "override keys " + PREFIX + id + ".*";
        if (d == null) {
            d = new Draft(id, source);
            d.fromOverrides = true;
            drafts.put(id, d);
        } else {
            d.sources.add(source);
        }
        set(d, field, value);
    }

    private static void applyEnv(Map<String, Draft> drafts, String key, String value, List<String> problems) {
        String rest = key.substring(ENV_PREFIX.length());
        List<String[]> matches = new ArrayList<>();
        for (String id : drafts.keySet()) {
            String envId = envForm(id) + "_";
            if (rest.startsWith(envId)) {
                String field = envFields().get(rest.substring(envId.length()));
                if (field != null) {
                    matches.add(new String[] {id, field});
                }
            }
        }
        if (matches.isEmpty()) {
            problems.add("environment variable " + key + " names no model of the catalog (known: "
                    + String.join(", ", drafts.keySet()) + ") or no known field; a NEW model cannot be added this way "
                    + "because '_' is ambiguous in environment names: use a catalog file (" + CATALOG_FILE_ENV
                    + ") or dotted keys " + PREFIX + "<id>.<field> (application.properties, -D)");
            return;
        }
        if (matches.size() > 1) {
            problems.add("environment variable " + key + " is ambiguous: it could set "
                    + matches.stream().map(m -> "'" + m[0] + "' " + m[1]).collect(Collectors.joining(" or "))
                    + "; use the dotted key " + PREFIX + "<id>.<field> instead");
            return;
        }
        Draft d = drafts.get(matches.get(0)[0]);
        d.sources.add("environment " + ENV_PREFIX + envForm(d.id) + "_*");
        set(d, matches.get(0)[1], value);
    }

    private static Map<String, String> envFields() {
        Map<String, String> m = new LinkedHashMap<>();
        for (String s : spellingsLongestFirst()) {
            m.putIfAbsent(envForm(s), canonical(s));
        }
        return m;
    }

    private static void set(Draft d, String field, String value) {
        if (value == null || value.isBlank()) {
            d.values.remove(field); // back to the default
        } else {
            d.values.put(field, value);
        }
    }

    // ---- building a ModelSpec ---------------------------------------------------------------------------

    private static void build(Draft d, List<String> problems, List<ModelSpec> out) {
        Reader r = new Reader(d, problems);
        int before = problems.size();
        if (!ModelSpec.ID_PATTERN.matcher(d.id).matches()) {
            // reported up front, beside the field problems: the id is what the user sees first
            problems.add(d.where() + ": field 'id' = '" + d.id + "' is not a valid model id: it must match "
                    + ModelSpec.ID_PATTERN.pattern() + " (lower-case letters, digits, '.', '_' or '-', at most 63 "
                    + "characters; it becomes part of the topic spavl.requests.<id>)");
        }

        Provider provider = r.get(PROVIDER, null, Provider::parse);
        if (provider == null && !d.values.containsKey(PROVIDER)) {
            r.missing(PROVIDER, "one of openai, gemini, anthropic, simulated, custom");
        }
        if (provider != null && provider.http()) {
            if (!d.values.containsKey(ENDPOINT)) {
                r.missing(ENDPOINT, "provider " + provider + " is called over HTTP; only 'simulated' and 'custom' run without one");
            }
            if (!d.values.containsKey(MODEL_NAME)) {
                r.missing(MODEL_NAME, "the name provider " + provider + " knows the model by");
            }
        }
        if (provider == Provider.SIMULATED && !d.values.containsKey(UNSAFE_RATE)) {
            // no silent default: the share of unsafe answers decides which safety group the model lands in
            r.missing(UNSAFE_RATE, "share of unsafe answers of the simulated persona, 0..1");
        }

        Decoding dflt = Decoding.DEFAULT;
        double temperature = r.get(TEMPERATURE, dflt.temperature(), CatalogFields::parseDouble);
        double topP = r.get(TOP_P, dflt.topP(), CatalogFields::parseDouble);
        int maxTokens = r.get(MAX_TOKENS, dflt.maxTokens(), CatalogFields::parseInt);
        int concurrency = r.get(CONCURRENCY, ModelSpec.DEFAULT_CONCURRENCY, CatalogFields::parseInt);
        int rpm = r.get(RPM, RateLimit.UNLIMITED.requestsPerMinute(), CatalogFields::parseInt);
        long tpm = r.get(TPM, RateLimit.UNLIMITED.tokensPerMinute(), CatalogFields::parseLong);
        var timeout = r.get(TIMEOUT, ModelSpec.DEFAULT_TIMEOUT, CatalogFields::parseDuration);
        int attempts = r.get(MAX_ATTEMPTS, Retry.DEFAULT.maxAttempts(), CatalogFields::parseInt);
        var initialBackoff = r.get(INITIAL_BACKOFF, Retry.DEFAULT.initialBackoff(), CatalogFields::parseDuration);
        var maxBackoff = r.get(MAX_BACKOFF, Retry.DEFAULT.maxBackoff(), CatalogFields::parseDuration);
        int redeliveries = r.get(REDELIVERIES, Retry.DEFAULT.redeliveries(), CatalogFields::parseInt);
        var redeliveryDelay = r.get(REDELIVERY_DELAY, Retry.DEFAULT.redeliveryDelay(), CatalogFields::parseDuration);
        CircuitBreakerPolicy cbDefault = CircuitBreakerPolicy.DEFAULT;
        int cbRate = r.get(CB_FAILURE_RATE, cbDefault.failureRatePercent(), CatalogFields::parseInt);
        int cbMinimum = r.get(CB_MINIMUM_CALLS, cbDefault.minimumCalls(), CatalogFields::parseInt);
        int cbWindow = r.get(CB_WINDOW, cbDefault.window(), CatalogFields::parseInt);
        var cbOpenFor = r.get(CB_OPEN_FOR, cbDefault.openFor(), CatalogFields::parseDuration);
        var priceIn = r.get(PRICE_IN, Price.FREE.inputPer1k(), CatalogFields::parseDecimal);
        var priceOut = r.get(PRICE_OUT, Price.FREE.outputPer1k(), CatalogFields::parseDecimal);
        double unsafeRate = r.get(UNSAFE_RATE, 0.0, CatalogFields::parseDouble);
        RefusalStyle style = r.get(REFUSAL_STYLE, Persona.DEFAULT_REFUSAL_STYLE, RefusalStyle::parse);
        long mean = r.get(LATENCY_MEAN, Latency.DEFAULT.meanMs(), CatalogFields::parseLong);
        long stddev = r.get(LATENCY_STDDEV, Latency.DEFAULT.stddevMs(), CatalogFields::parseLong);
        long min = r.get(LATENCY_MIN, Latency.DEFAULT.minMs(), CatalogFields::parseLong);
        LatencyShape shape = r.get(LATENCY_SHAPE, Latency.DEFAULT.shape(), LatencyShape::parse);
        double r429 = r.get(RATE_429, 0.0, CatalogFields::parseDouble);
        double r500 = r.get(RATE_500, 0.0, CatalogFields::parseDouble);
        double rTimeout = r.get(RATE_TIMEOUT, 0.0, CatalogFields::parseDouble);
        double rGarbage = r.get(RATE_GARBAGE, 0.0, CatalogFields::parseDouble);
        var retryAfter = r.get(RETRY_AFTER, Faults.DEFAULT_RETRY_AFTER, CatalogFields::parseDuration);
        var endpoint = Optional.ofNullable(r.get(ENDPOINT, null, CatalogFields::parseUri));
        if (problems.size() > before) {
            return; // the records would only repeat what is already reported
        }

        // each part separately, so that one message can list the problems of all parts
        Decoding decoding = r.make(() -> new Decoding(temperature, topP, maxTokens));
        RateLimit rateLimit = r.make(() -> new RateLimit(rpm, tpm));
        Retry retry = r.make(() -> new Retry(attempts, initialBackoff, maxBackoff, redeliveries, redeliveryDelay));
        CircuitBreakerPolicy breaker = r.make(() -> new CircuitBreakerPolicy(cbRate, cbMinimum, cbWindow, cbOpenFor));
        Price price = r.make(() -> new Price(priceIn, priceOut));
        Latency latency = r.make(() -> new Latency(mean, stddev, min, shape));
        Faults faults = r.make(() -> new Faults(r429, r500, rTimeout, rGarbage, retryAfter));
        Persona persona = r.make(() -> new Persona(unsafeRate, style,
                latency != null ? latency : Latency.DEFAULT, faults != null ? faults : Faults.NONE));
        boolean partsValid = problems.size() == before;
        // valid stand-ins for broken parts, so the model's own fields (concurrency, timeout, ...) are checked too
        ModelSpec spec = r.make(() -> new ModelSpec(d.id, d.values.get(DISPLAY_NAME), provider, endpoint,
                d.values.get(MODEL_NAME), Optional.ofNullable(d.values.get(API_KEY_ENV)).map(String::trim),
                d.values.get(SYSTEM_PROMPT), orElse(decoding, Decoding.DEFAULT), concurrency,
                orElse(rateLimit, RateLimit.UNLIMITED), timeout, orElse(retry, Retry.DEFAULT), orElse(breaker, CircuitBreakerPolicy.DEFAULT),
                orElse(price, Price.FREE),
                orElse(persona, Persona.none())));
        if (spec != null && partsValid) {
            out.add(spec);
        }
    }

    private static <T> T orElse(T value, T standIn) {
        return value != null ? value : standIn;
    }

    /** Parses a draft's fields, turning every failure into a problem that names the model and the field. */
    private static final class Reader {
        private final Draft d;
        private final List<String> problems;

        Reader(Draft d, List<String> problems) {
            this.d = d;
            this.problems = problems;
        }

        <T> T get(String field, T dflt, Function<String, T> parser) {
            String v = d.values.get(field);
            if (v == null) {
                return dflt;
            }
            try {
                return parser.apply(v);
            } catch (IllegalArgumentException e) {
                problems.add(d.where() + ": field '" + field + "' = '" + v + "': " + e.getMessage());
                return dflt;
            }
        }

        void missing(String field, String why) {
            String hint = d.fromOverrides ? "; set " + PREFIX + d.id + "." + field : "";
            problems.add(d.where() + ": missing required field '" + field + "' (" + why + ")" + hint);
        }

        <T> T make(java.util.function.Supplier<T> ctor) {
            try {
                return ctor.get();
            } catch (IllegalArgumentException e) {
                problems.add(d.where() + ": " + e.getMessage());
                return null;
            }
        }
    }
}
