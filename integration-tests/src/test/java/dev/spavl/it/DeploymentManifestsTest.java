package dev.spavl.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Guards the deployment descriptions against drifting away from the code, without a Docker engine
 * or a cluster: every manifest under {@code k8s/} is parsed and checked for what the services really
 * read. Every container listens on the service's {@code quarkus.http.port}; every Deployment probes
 * the Quarkus health endpoints; every kustomization refers to files that exist; and all
 * environments, docker-compose included, take their topics from the one list,
 * {@code schemas/topics.yaml}. The compose file's own checks are in {@link ComposeFileTest}; k8s/tool renders
 * the overlays and validates them against the Kubernetes, KEDA and Strimzi schemas, and checks that its
 * generated files are current.
 */
class DeploymentManifestsTest {

    /** Tests run in integration-tests/, one level below the repository root. */
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final List<String> SERVICES = List.of("generator", "responder", "judge", "packager");
    private static final Pattern SPAVL_IMAGE = Pattern.compile("spavl/([a-z-]+)(:.+)?");
    private static final YAMLMapper YAML = new YAMLMapper();

    @Test
    void everyKustomizationRefersToFilesThatExistBelowItsFolder() throws IOException {
        List<Path> kustomizations = new ArrayList<>(yamlFiles(ROOT.resolve("k8s")).stream()
                .filter(f -> f.getFileName().toString().equals("kustomization.yaml")).toList());
        kustomizations.add(ROOT.resolve("schemas/kustomization.yaml"));
        assertThat(kustomizations).contains(ROOT.resolve("k8s/base/kustomization.yaml"));

        for (Path file : kustomizations) {
            Path dir = file.getParent();
            JsonNode kustomization = documents(file).get(0);
            for (String resource : texts(kustomization.path("resources"))) {
                assertThat(dir.resolve(resource)).as("%s: resource %s", file, resource).exists();
            }
            for (JsonNode generator : kustomization.path("configMapGenerator")) {
                for (String source : texts(generator.path("files"))) {
                    // kustomize refuses files (and symlink targets) outside the kustomization's folder
                    Path real = dir.resolve(source).toRealPath();
                    assertThat(real).as("%s: generator file %s", file, source).startsWith(dir.toRealPath());
                }
            }
        }
    }

    @Test
    void everyDeploymentProbesTheQuarkusHealthEndpoints() {
        List<JsonNode> deployments = k8s("Deployment");
        assertThat(deployments).hasSizeGreaterThanOrEqualTo(SERVICES.size());
        for (JsonNode deployment : deployments) {
            for (JsonNode container : deployment.at("/spec/template/spec/containers")) {
                String which = deployment.at("/metadata/name").asText() + "/" + container.path("name").asText();
                assertThat(container.at("/readinessProbe/httpGet/path").asText()).as(which).isEqualTo("/q/health/ready");
                assertThat(container.at("/livenessProbe/httpGet/path").asText()).as(which).isEqualTo("/q/health/live");
            }
        }
    }

    @Test
    void everyContainerPortIsTheServicesQuarkusHttpPort() {
        List<String> seen = new ArrayList<>();
        for (JsonNode deployment : k8s("Deployment")) {
            for (JsonNode container : deployment.at("/spec/template/spec/containers")) {
                Matcher image = SPAVL_IMAGE.matcher(container.path("image").asText());
                assertThat(image.matches()).as("image %s", container.path("image").asText()).isTrue();
                String service = image.group(1);
                assertThat(SERVICES).contains(service);
                int port = ServiceSources.httpPort(service);
                assertThat(container.path("ports").valueStream().map(p -> p.path("containerPort").asInt()))
                        .as(service).containsExactly(port);
                assertThat(deployment.at("/spec/template/metadata/annotations/prometheus.io~1port").asText())
                        .as(service + " scrape port").isEqualTo(String.valueOf(port));
                seen.add(service);
            }
        }
        assertThat(seen).containsAll(SERVICES);
    }

    @Test
    void everyEnvironmentTakesItsTopicsFromTheOneList() throws IOException {
        Path topics = ROOT.resolve("schemas/topics.yaml");
        // Kubernetes, dev: the topic-init component includes schemas/, whose kustomization makes spavl-topics
        // from topics.yaml; prod: Strimzi KafkaTopics generated from the same file (k8s/tool checks they are current)
        assertThat(texts(documents(ROOT.resolve("k8s/components/topic-init/kustomization.yaml")).get(0).path("resources")))
                .contains("../../../schemas");
        assertThat(Files.readString(ROOT.resolve("k8s/components/strimzi-topics/kafka-topics.yaml")))
                .startsWith("# GENERATED by k8s/tool (GenerateManifests) from schemas/topics.yaml");
        JsonNode generator = documents(ROOT.resolve("schemas/kustomization.yaml")).get(0).path("configMapGenerator").get(0);
        assertThat(generator.path("name").asText()).isEqualTo("spavl-topics");
        assertThat(Files.isSameFile(ROOT.resolve("schemas").resolve(texts(generator.path("files")).get(0)), topics)).isTrue();
        JsonNode job = k8s("Job").stream()
                .filter(j -> j.at("/metadata/name").asText().equals("topic-init")).findFirst().orElseThrow();
        assertThat(job.at("/spec/template/spec/volumes").valueStream().map(v -> v.at("/configMap/name").asText()))
                .contains("spavl-topics");
        assertThat(job.at("/spec/template/spec/containers/0/volumeMounts").valueStream().map(m -> m.path("mountPath").asText()))
                .contains("/config");
        try (Stream<Path> files = Files.walk(ROOT.resolve("k8s"))) {
            assertThat(files.filter(f -> f.getFileName().toString().startsWith("topics."))).as("no copy of the list").isEmpty();
        }
        // docker-compose: the topic init container reads the repository's file
        assertThat(texts(compose().at("/services/topic-init/volumes")))
                .contains("./schemas/topics.yaml:/config/topics.yaml:ro");
    }

    private static JsonNode compose() {
        return documents(ROOT.resolve("docker-compose.yml")).get(0);
    }

    /** Every document of every YAML file under k8s/ whose kind is {@code kind}. */
    private static List<JsonNode> k8s(String kind) {
        return yamlFiles(ROOT.resolve("k8s")).stream()
                .flatMap(f -> documents(f).stream())
                .filter(d -> kind.equals(d.path("kind").asText()))
                .toList();
    }

    /** YAML files below dir, leaving out build output and installed packages (k8s/tool/target, node_modules). */
    private static List<Path> yamlFiles(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile)
                    .filter(f -> Stream.of(dir.relativize(f).toString().split("/"))
                            .noneMatch(part -> part.equals("target") || part.equals("node_modules")))
                    .filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml"))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** All documents of a (multi-document) YAML file. */
    private static List<JsonNode> documents(Path file) {
        try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
            return docs.readAll().stream().filter(Objects::nonNull).filter(d -> !d.isNull()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot parse " + file, e);
        }
    }

    private static List<String> texts(JsonNode array) {
        return array.valueStream().map(JsonNode::asText).toList();
    }

}
