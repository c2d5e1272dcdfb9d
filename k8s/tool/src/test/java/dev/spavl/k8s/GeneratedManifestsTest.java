package dev.spavl.k8s;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The committed generated files under k8s/ are what {@link GenerateManifests} makes of today's inputs
 * (k8s/models, the bundled model catalog, schemas/topics.yaml, k8s/base/config.yaml), and bad lane files
 * are refused with a message that names the file and the field.
 */
class GeneratedManifestsTest {

    static final Path ROOT = Path.of(System.getProperty("spavl.root", "../..")).toAbsolutePath().normalize();

    @Test
    void everyBundledModelHasALaneFile() {
        assertThat(GenerateManifests.missingLaneFiles(ROOT).keySet())
                .as("models of the bundled catalog without k8s/models/<id>.yaml; regenerate with: " + GenerateManifests.COMMAND)
                .isEmpty();
    }

    @Test
    void committedGeneratedFilesAreCurrent() throws IOException {
        Map<Path, String> expected = GenerateManifests.generate(ROOT);
        List<String> stale = new ArrayList<>();
        for (Map.Entry<Path, String> f : expected.entrySet()) {
            if (!Files.exists(f.getKey()) || !Files.readString(f.getKey()).equals(f.getValue())) {
                stale.add(ROOT.relativize(f.getKey()) + (Files.exists(f.getKey()) ? " differs" : " is missing"));
            }
        }
        try (Stream<Path> lanes = Files.list(ROOT.resolve(GenerateManifests.LANES))) {
            lanes.filter(p -> !expected.containsKey(p)).forEach(p -> stale.add(ROOT.relativize(p) + " has no lane file any more"));
        }
        assertThat(stale).as("generated files out of date; regenerate with: " + GenerateManifests.COMMAND).isEmpty();
    }

    @Test
    void aLaneBeyondItsTopicsPartitionsIsRefused(@TempDir Path tmp) throws IOException {
        Path root = copyInputs(tmp);
        Files.writeString(root.resolve("k8s/models/otter.yaml"), "model: otter\nmax-replicas: 7\n");
        assertThatThrownBy(() -> GenerateManifests.generate(root))
                .hasMessageContaining("k8s/models/otter.yaml")
                .hasMessageContaining("max-replicas 7 is more than the 6 partitions of spavl.requests.otter");
    }

    @Test
    void aModelOutsideTheCatalogNeedsACatalogEntry(@TempDir Path tmp) throws IOException {
        Path root = copyInputs(tmp);
        Files.writeString(root.resolve("k8s/models/llava-next-7b.yaml"), "model: llava-next-7b\n");
        assertThatThrownBy(() -> GenerateManifests.generate(root))
                .hasMessageContaining("k8s/models/llava-next-7b.yaml")
                .hasMessageContaining("not in the bundled catalog; give it a 'catalog:' entry");
    }

    @Test
    void anInvalidCatalogEntryIsRefusedWithTheCatalogsOwnMessage(@TempDir Path tmp) throws IOException {
        Path root = copyInputs(tmp);
        Files.writeString(root.resolve("k8s/models/llava-next-7b.yaml"), """
                model: llava-next-7b
                catalog:
                  provider: openai
                """);
        assertThatThrownBy(() -> GenerateManifests.generate(root))
                .hasMessageContaining("k8s/models/llava-next-7b.yaml: its 'catalog:' entry is not valid")
                .hasMessageContaining("endpoint");
    }

    @Test
    void aMisspelledFieldOrAWrongFileNameIsRefused(@TempDir Path tmp) throws IOException {
        Path root = copyInputs(tmp);
        Files.writeString(root.resolve("k8s/models/otter.yaml"), "model: otter\nmax-replica: 2\n");
        assertThatThrownBy(() -> GenerateManifests.generate(root)).hasMessageContaining("max-replica");
        Files.writeString(root.resolve("k8s/models/otter.yaml"), "model: lamm\n");
        assertThatThrownBy(() -> GenerateManifests.generate(root))
                .hasMessageContaining("'model' must be the file's name without .yaml ('otter'), found 'lamm'");
    }

    /** One new file is all a new model needs: its lane, its catalog entry as SPAVL_MODELS_FILE, its topics. */
    @Test
    void oneLaneFileAddsAModel(@TempDir Path tmp) throws IOException {
        Path root = copyInputs(tmp);
        Files.writeString(root.resolve("k8s/models/llava-next-7b.yaml"), """
                model: llava-next-7b
                scale-to-zero: true
                max-replicas: 2
                catalog:
                  provider: openai
                  endpoint: http://vllm-llava-next:8000/v1
                  model-name: llava-hf/llava-v1.6-mistral-7b-hf
                  api-key-env: VLLM_API_KEY
                """);
        Map<Path, String> files = GenerateManifests.generate(root);
        String lane = files.get(root.resolve(GenerateManifests.LANES).resolve("llava-next-7b.yaml"));
        assertThat(lane)
                .contains("name: responder-llava-next-7b-catalog", "model-name: llava-hf/llava-v1.6-mistral-7b-hf")
                .contains("value: /etc/spavl/models.yaml")
                .contains("- name: VLLM_API_KEY", "key: llava-next-7b", "optional: false")
                .contains("minReplicaCount: 0", "maxReplicaCount: 2")
                .contains("consumerGroup: spavl-responder-llava-next-7b", "topic: spavl.requests.llava-next-7b\n",
                        "topic: spavl.requests.llava-next-7b.retry");
        assertThat(files.get(root.resolve(GenerateManifests.LANES).resolve("kustomization.yaml")))
                .contains("  - llava-next-7b.yaml", "llava-next-7b");
        assertThat(files.get(root.resolve(GenerateManifests.STRIMZI_TOPICS)))
                .contains("name: spavl.requests.llava-next-7b\n", "name: spavl.requests.llava-next-7b.retry", "name: spavl.requests.llava-next-7b.dlq");
    }

    /** The generator's inputs in a scratch tree, so that a test may change them. */
    private static Path copyInputs(Path tmp) throws IOException {
        for (String dir : List.of("k8s/models", "k8s/base", "schemas")) {
            Files.createDirectories(tmp.resolve(dir));
        }
        try (Stream<Path> models = Files.list(ROOT.resolve("k8s/models"))) {
            for (Path m : models.toList()) {
                Files.copy(m, tmp.resolve("k8s/models").resolve(m.getFileName()));
            }
        }
        Files.copy(ROOT.resolve("k8s/base/config.yaml"), tmp.resolve("k8s/base/config.yaml"));
        Files.copy(ROOT.resolve("schemas/topics.yaml"), tmp.resolve("schemas/topics.yaml"));
        return tmp;
    }
}
