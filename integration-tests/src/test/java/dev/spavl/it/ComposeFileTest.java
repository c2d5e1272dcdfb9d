package dev.spavl.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spavl.testkit.RequiredTool;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code docker-compose.yml} without a Docker engine: the file is validated against the Compose
 * Specification's JSON schema by a real validator (dclint, pinned in {@code compose-lint/}), and
 * checked against the code: every spavl container gets the Kafka bootstrap, the registry's v2 API,
 * its service's image and {@code quarkus.http.port}; ports are published on loopback only; the
 * {@code per-lane} profile runs exactly one container per model of the responder's bundled catalog
 * and excludes the all-lanes responder; every dependency, volume and mounted file exists; and
 * Prometheus and Grafana are wired to the services and to each other.
 *
 * <p>The file is read with SnakeYAML, which resolves the anchors and merge keys ({@code <<}) that
 * compose uses (Jackson's YAML parser does not).
 */
class ComposeFileTest {

    /** Tests run in integration-tests/, one level below the repository root. */
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path COMPOSE = ROOT.resolve("docker-compose.yml");
    private static final Path LINT = ROOT.resolve("integration-tests/compose-lint");
    private static final List<String> SERVICES = List.of("generator", "responder", "judge", "packager");
    private static final String ALL_LANES = "all-lanes";
    private static final String PER_LANE = "per-lane";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void composeFileValidatesAgainstTheComposeSpecification() throws Exception {
        Path dclint = LINT.resolve("node_modules/dclint/bin/dclint.cjs");
        RequiredTool.assume(Programs.onPath("node") && Programs.onPath("npm"),
                "node and npm, to validate docker-compose.yml against the Compose Specification",
                "Debian packages nodejs and npm; .ci/run installs them when missing");
        if (!Files.isRegularFile(dclint)) {
            // ./mvnw -B verify on a fresh clone: install the pinned validator from the npm registry, as .ci/run does
            Programs.Outcome install = Programs.run(ROOT, Duration.ofMinutes(5),
                    List.of("npm", "ci", "--prefix", LINT.toString(), "--no-audit", "--no-fund"));
            RequiredTool.assume(install.exitCode() == 0 && Files.isRegularFile(dclint), "dclint (" + dclint + "), which did not install",
                    "npm ci --prefix integration-tests/compose-lint, as .ci/run does", install.output());
        }

        Programs.Outcome lint = Programs.run(ROOT, Duration.ofMinutes(2), List.of("node", dclint.toString(), "--config",
                LINT.resolve(".dclintrc.yml").toString(), "--max-warnings", "0", "--color", "false", COMPOSE.toString()));
        assertThat(lint.exitCode()).as("dclint on docker-compose.yml:%n%s", lint.output()).isZero();
    }

    @Test
    void composeGivesEverySpavlContainerKafkaTheRegistryV2ApiItsImageAndItsPort() {
        JsonNode services = compose().path("services");
        String version = projectVersion();
        Map<String, String> spavl = spavlContainers(services);
        assertThat(spavl.values()).containsAll(SERVICES);

        for (Map.Entry<String, String> container : spavl.entrySet()) {
            String name = container.getKey();
            String service = container.getValue();
            JsonNode definition = services.path(name);
            JsonNode env = definition.path("environment");
            assertThat(env.isObject()).as("%s: environment as a map", name).isTrue();
            assertThat(env.path("KAFKA_BOOTSTRAP_SERVERS").asText()).as(name).isEqualTo("kafka:9092");
            assertThat(env.path("SPAVL_REGISTRY_URL").asText()).as(name).isEqualTo("http://registry:8080/apis/registry/v2");
            assertThat(env.path("QUARKUS_HTTP_HOST").asText()).as(name).isEqualTo("0.0.0.0");
            assertThat(definition.path("image").asText()).as(name).isEqualTo(image(service, version));
            assertThat(definition.has("build")).as("%s: the image comes from Jib, not from a compose build", name).isFalse();

            int port = ServiceSources.httpPort(service);
            assertThat(texts(definition.at("/healthcheck/test"))).as(name)
                    .anySatisfy(t -> assertThat(t).contains("/dev/tcp/127.0.0.1/" + port).contains("GET /q/health/ready"));
            List<String> published = texts(definition.path("ports"));
            if (name.equals(service)) {
                assertThat(published).as(name).containsExactly("127.0.0.1:" + port + ":" + port);
            } else {
                assertThat(published).as("%s: a lane container publishes nothing", name).isEmpty();
            }
        }
        // the job that creates the topics comes from the same build
        assertThat(services.at("/topic-init/image").asText()).isEqualTo(image("topic-init", version));
    }

    @Test
    void composePublishesPortsOnLoopbackOnly() {
        compose().path("services").properties().forEach(s -> {
            for (JsonNode port : s.getValue().path("ports")) {
                String bind = port.isObject() ? port.path("host_ip").asText() : port.asText();
                assertThat(bind).as("%s publishes %s", s.getKey(), port).startsWith("127.0.0.1:");
            }
        });
    }

    @Test
    void perLaneProfileRunsOneContainerPerCatalogModelInsteadOfTheAllLanesOne() throws IOException {
        JsonNode services = compose().path("services");
        List<String> catalog = catalogModelIds();
        assertThat(catalog).as("bundled catalog").hasSize(12);

        Map<String, String> lanes = new LinkedHashMap<>();
        services.properties().forEach(s -> {
            if (texts(s.getValue().path("profiles")).contains(PER_LANE)) {
                lanes.put(s.getKey(), s.getValue().at("/environment/SPAVL_RESPONDER_MODELS").asText());
            }
        });
        assertThat(lanes.values()).as("one lane container per catalog model").containsExactlyInAnyOrderElementsOf(catalog);
        lanes.forEach((name, model) -> {
            assertThat(name).isEqualTo(laneService(model));
            assertThat(texts(services.path(name).path("profiles"))).as(name).containsExactly(PER_LANE);
        });
        // topic-init creates the request topics of the models listed in topics.yaml ("default")
        assertThat(texts(topicList().path("models"))).containsAll(catalog);

        JsonNode allLanes = services.path("responder");
        assertThat(allLanes.at("/environment/SPAVL_RESPONDER_MODELS").asText()).isEqualTo("all");
        assertThat(texts(allLanes.path("profiles"))).containsExactly(ALL_LANES);

        // Services without a profile always start: only the two responder modes may have one, and
        // all-lanes is what `docker compose up` starts when no --profile is given.
        services.properties().forEach(s -> {
            if (!s.getKey().equals("responder") && !lanes.containsKey(s.getKey())) {
                assertThat(s.getValue().has("profiles")).as("%s starts in both modes", s.getKey()).isFalse();
            }
        });
        assertThat(dotEnv().getProperty("COMPOSE_PROFILES")).isEqualTo(ALL_LANES);
    }

    @Test
    void everyDependencyVolumeAndMountedFileExists() {
        JsonNode compose = compose();
        JsonNode services = compose.path("services");
        Set<String> declaredVolumes = new HashSet<>();
        compose.path("volumes").fieldNames().forEachRemaining(declaredVolumes::add);

        services.properties().forEach(s -> {
            String name = s.getKey();
            JsonNode service = s.getValue();
            Set<String> profiles = new HashSet<>(texts(service.path("profiles")));
            JsonNode dependsOn = service.path("depends_on");
            List<String> dependencies = new ArrayList<>();
            if (dependsOn.isArray()) {
                dependencies.addAll(texts(dependsOn));
            } else {
                dependsOn.fieldNames().forEachRemaining(dependencies::add);
            }
            dependencies.forEach(dependency -> {
                JsonNode target = services.path(dependency);
                assertThat(target.isObject()).as("%s depends on %s", name, dependency).isTrue();
                // compose refuses to start a service whose dependency is not enabled with it
                List<String> targetProfiles = texts(target.path("profiles"));
                assertThat(targetProfiles.isEmpty() || profiles.containsAll(targetProfiles))
                        .as("%s depends on %s, which only runs in %s", name, dependency, targetProfiles).isTrue();
            });
            for (String volume : texts(service.path("volumes"))) {
                String source = volume.substring(0, volume.indexOf(':'));
                if (source.startsWith(".")) {
                    assertThat(ROOT.resolve(source).normalize()).as("%s mounts %s", name, source).exists();
                } else {
                    assertThat(declaredVolumes).as("%s mounts volume %s", name, source).contains(source);
                }
            }
        });
    }

    @Test
    void prometheusScrapesEveryServiceOnItsPortAndLoadsTheRules() {
        JsonNode services = compose().path("services");
        JsonNode prometheus = services.path("prometheus");
        String config = mountTarget(prometheus, "./deploy/prometheus/prometheus-compose.yml");
        assertThat(texts(prometheus.path("command"))).contains("--config.file=" + config);
        String rules = mountTarget(prometheus, "./deploy/prometheus/rules");
        JsonNode scrape = yaml(ROOT.resolve("deploy/prometheus/prometheus-compose.yml"));
        assertThat(texts(scrape.path("rule_files"))).containsExactly(rules + "/*.yml");

        Map<String, String> spavl = spavlContainers(services);
        for (String service : SERVICES) {
            JsonNode job = scrape.path("scrape_configs").valueStream()
                    .filter(j -> j.path("job_name").asText().equals("spavl-" + service)).findFirst().orElseThrow();
            assertThat(job.path("metrics_path").asText()).as(service).isEqualTo("/q/metrics");
            int port = ServiceSources.httpPort(service);
            // every container of the service, in either responder mode, is a target at <name>:<port>
            List<String> targets = new ArrayList<>();
            for (JsonNode group : job.path("static_configs")) {
                targets.addAll(texts(group.path("targets")));
            }
            for (JsonNode dns : job.path("dns_sd_configs")) {
                assertThat(dns.path("port").asInt()).as(service).isEqualTo(port);
                texts(dns.path("names")).forEach(n -> targets.add(n + ":" + port));
            }
            List<String> expected = spavl.entrySet().stream().filter(e -> e.getValue().equals(service))
                    .map(e -> e.getKey() + ":" + port).toList();
            assertThat(targets).as(service).containsExactlyInAnyOrderElementsOf(expected);
        }
    }

    @Test
    void prometheusConfigurationPassesPromtool() throws Exception {
        RequiredTool.assume(Programs.onPath("promtool"), "promtool, to check prometheus-compose.yml",
                "apt-get install prometheus (Debian); .ci/run installs it");
        Programs.Outcome check = Programs.run(ROOT, Duration.ofMinutes(1), List.of("promtool", "check", "config", "--syntax-only",
                ROOT.resolve("deploy/prometheus/prometheus-compose.yml").toString()));
        assertThat(check.exitCode()).as(check.output()).isZero();
    }

    @Test
    void grafanaShowsTheDashboardsOnTheComposePrometheus() throws IOException {
        JsonNode services = compose().path("services");
        JsonNode grafana = services.path("grafana");
        assertThat(mountTarget(grafana, "./deploy/grafana/provisioning")).isEqualTo("/etc/grafana/provisioning");
        String dashboards = mountTarget(grafana, "./deploy/grafana/dashboards");

        JsonNode datasource = yaml(ROOT.resolve("deploy/grafana/provisioning/datasources/prometheus.yml")).at("/datasources/0");
        assertThat(datasource.path("type").asText()).isEqualTo("prometheus");
        String prometheusPort = texts(services.at("/prometheus/ports")).get(0).replaceAll(".*:", "");
        assertThat(datasource.path("url").asText()).isEqualTo("http://prometheus:" + prometheusPort);
        String uid = datasource.path("uid").asText();

        JsonNode provider = yaml(ROOT.resolve("deploy/grafana/provisioning/dashboards/spavl.yml")).at("/providers/0");
        assertThat(provider.path("type").asText()).isEqualTo("file");
        assertThat(provider.at("/options/path").asText()).isEqualTo(dashboards);

        // every data source a dashboard names is the provisioned one (template variables aside)
        Pattern datasourceUid = Pattern.compile("\"datasource\"\\s*:\\s*\\{[^}]*\"uid\"\\s*:\\s*\"([^\"]+)\"");
        Path dashboardFiles = ROOT.resolve("deploy/grafana/dashboards");
        assertThat(dashboardFiles).as("the dashboards compose mounts into Grafana").isDirectory();
        try (Stream<Path> files = Files.list(dashboardFiles)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).toList()) {
                Matcher m = datasourceUid.matcher(Files.readString(file));
                while (m.find()) {
                    if (!m.group(1).startsWith("$") && !m.group(1).startsWith("-- ")) {
                        assertThat(m.group(1)).as("%s: datasource", file.getFileName()).isEqualTo(uid);
                    }
                }
            }
        }
        assertThat(texts(grafana.path("ports"))).containsExactly("127.0.0.1:3000:3000");
        assertThat(grafana.at("/depends_on/prometheus/condition").asText()).isEqualTo("service_healthy");
    }

    /** Container name to spavl service, for every container that runs one of the four services' images. */
    private static Map<String, String> spavlContainers(JsonNode services) {
        Map<String, String> out = new LinkedHashMap<>();
        services.properties().forEach(s -> {
            String name = s.getKey();
            if (SERVICES.contains(name)) {
                out.put(name, name);
            } else if (name.startsWith("responder-")) {
                out.put(name, "responder");
            }
        });
        return out;
    }

    /** The compose reference of a spavl image: registry/group and tag overridable, defaults from the Maven build. */
    private static String image(String name, String version) {
        return "${SPAVL_IMAGE_PREFIX:-spavl}/" + name + ":${SPAVL_IMAGE_TAG:-" + version + "}";
    }

    /** The compose service of a lane: its model id, with dots (not allowed in a DNS label) as dashes. */
    private static String laneService(String modelId) {
        return "responder-" + modelId.replace('.', '-');
    }

    /** Where a service mounts a bind source ("./..."); fails when it does not. */
    private static String mountTarget(JsonNode service, String source) {
        return texts(service.path("volumes")).stream()
                .filter(v -> v.startsWith(source + ":"))
                .map(v -> v.substring(source.length() + 1).replaceAll(":ro$", ""))
                .findFirst().orElseThrow(() -> new AssertionError("no mount of " + source + " in " + service));
    }

    private static JsonNode compose() {
        return yaml(COMPOSE);
    }

    /** The model ids of the responder's bundled catalog (services/responder/CATALOG.md), in catalog order. */
    private static List<String> catalogModelIds() {
        JsonNode catalog = yaml(ROOT.resolve("services/responder/src/main/resources/dev/spavl/responder/catalog/default-models.yaml"));
        return catalog.path("models").valueStream().map(m -> m.path("id").asText()).toList();
    }

    private static JsonNode topicList() {
        return yaml(ROOT.resolve("schemas/topics.yaml"));
    }

    /** One YAML document with anchors, aliases and merge keys resolved, as a Jackson tree. */
    private static JsonNode yaml(Path file) {
        try (Reader in = Files.newBufferedReader(file)) {
            Object document = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
            return JSON.valueToTree(document);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static Properties dotEnv() {
        return ServiceSources.properties(ROOT.resolve(".env"));
    }

    private static List<String> texts(JsonNode array) {
        return array.valueStream().map(JsonNode::asText).toList();
    }


    /** The version in the root pom.xml: the tag Jib gives the images. */
    private static String projectVersion() {
        try {
            Document pom = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(ROOT.resolve("pom.xml").toFile());
            return javax.xml.xpath.XPathFactory.newInstance().newXPath().evaluate("/project/version", pom).trim();
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the version from pom.xml", e);
        }
    }

}
