package dev.spavl.k8s;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One responder lane on Kubernetes, read from {@code k8s/models/<id>.yaml}: the only file an operator writes
 * to add a model there. Everything else of the lane (Deployment, PodDisruptionBudget, KEDA ScaledObject,
 * topics) is generated from it, the model catalog and schemas/topics.yaml.
 */
public final class LaneSpec {

    /** Catalog id of the model; also the file's name without ".yaml". */
    public String model;
    /** true: KEDA may stop every pod while the lane's topics are empty (GPU-backed or rarely used lanes). */
    @JsonProperty("scale-to-zero")
    public boolean scaleToZero;
    /** Upper bound of KEDA; at most the partition count of the lane's request topic. */
    @JsonProperty("max-replicas")
    public int maxReplicas = 1;
    /** Records of lag per replica that KEDA aims for (its lagThreshold). */
    @JsonProperty("lag-per-replica")
    public int lagPerReplica = 20;
    /** Container resources; absent: the defaults of {@link LaneManifests}. */
    public Resources resources;
    /**
     * Optional: this model's catalog entry (the format of the responder's default-models.yaml, without the id,
     * which is {@link #model}). Adds a model the bundled catalog lacks, or replaces a bundled one as a whole
     * (going live with a real endpoint). Mounted into the lane's pod as its SPAVL_MODELS_FILE.
     */
    public ObjectNode catalog;

    public static final class Resources {
        public Map<String, String> requests;
        public Map<String, String> limits;
    }

    static LaneSpec read(Path file) {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory()).configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);
        LaneSpec spec;
        try {
            spec = yaml.readValue(file.toFile(), LaneSpec.class);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": not a lane file (" + e.getMessage() + ")", e);
        }
        if (spec == null) {
            throw new IllegalArgumentException(file + ": empty");
        }
        List<String> problems = new ArrayList<>();
        String expected = file.getFileName().toString().replaceFirst("\\.yaml$", "");
        if (spec.model == null || !spec.model.equals(expected)) {
            problems.add("'model' must be the file's name without .yaml ('" + expected + "'), found '" + spec.model + "'");
        }
        if (spec.maxReplicas < 1) {
            problems.add("'max-replicas' must be at least 1, found " + spec.maxReplicas);
        }
        if (spec.lagPerReplica < 1) {
            problems.add("'lag-per-replica' must be at least 1, found " + spec.lagPerReplica);
        }
        if (spec.catalog != null) {
            JsonNode id = spec.catalog.get("id");
            if (id != null && !id.asText().equals(spec.model)) {
                problems.add("'catalog.id' must be left out or equal 'model' ('" + spec.model + "'), found '" + id.asText() + "'");
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(file + ": " + String.join("; ", problems));
        }
        return spec;
    }
}
