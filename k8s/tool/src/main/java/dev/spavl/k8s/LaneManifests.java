package dev.spavl.k8s;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spavl.contracts.topics.TopicSpec;
import dev.spavl.responder.catalog.ModelSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The Kubernetes objects of one responder lane: a Deployment hosting only that model
 * ({@code SPAVL_RESPONDER_MODELS=<id>}), a PodDisruptionBudget, a KEDA ScaledObject on the lag of the lane's
 * consumer group and, when the lane file brings a catalog entry, the ConfigMap holding it.
 */
final class LaneManifests {

    static final String SECRET = "spavl-model-keys";
    static final String IMAGE = "spavl/responder:0.1.0-SNAPSHOT";
    static final int PORT = 8181;
    /**
     * What a stopping lane pod announces instead of DRAINING (spavl.responder.standby-interval): the lane stays
     * live for the generator for three of these after its last pod stopped, so a lane that KEDA scaled to zero
     * still receives the work that scales it up again (k8s/README.md, "Scale to zero").
     */
    static final String STANDBY_INTERVAL = "30d";
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private LaneManifests() {
    }

    /**
     * @param lane      the lane file
     * @param model     the model as the responder will see it (bundled, or the lane file's catalog entry)
     * @param catalogYaml the catalog file to mount, or null when the bundled entry is used
     * @param request   the lane's request topic; {@code retry} its retry topic
     * @param bootstrap the Kafka bootstrap servers KEDA connects to (spavl-config's value)
     */
    static List<ObjectNode> of(LaneSpec lane, ModelSpec model, String catalogYaml, TopicSpec request, TopicSpec retry,
                               String bootstrap) {
        String name = "responder-" + lane.model;
        List<ObjectNode> out = new ArrayList<>();
        if (catalogYaml != null) {
            ObjectNode cm = object("v1", "ConfigMap", name + "-catalog", lane.model);
            cm.putObject("data").put("models.yaml", catalogYaml);
            out.add(cm);
        }
        out.add(deployment(lane, model, catalogYaml, name));
        out.add(disruptionBudget(lane, name));
        out.add(scaledObject(lane, name, request, retry, bootstrap));
        return out;
    }

    private static ObjectNode deployment(LaneSpec lane, ModelSpec model, String catalogYaml, String name) {
        ObjectNode d = object("apps/v1", "Deployment", name, lane.model);
        ObjectNode spec = d.putObject("spec");
        // no replicas: KEDA owns them; a new Deployment starts with one pod, which announces the lane
        spec.putObject("selector").set("matchLabels", selector(lane.model));
        ObjectNode template = spec.putObject("template");
        ObjectNode meta = template.putObject("metadata");
        meta.set("labels", labels(lane.model));
        ObjectNode annotations = meta.putObject("annotations");
        annotations.put("prometheus.io/scrape", "true");
        annotations.put("prometheus.io/port", String.valueOf(PORT));
        annotations.put("prometheus.io/path", "/q/metrics");
        if (catalogYaml != null) {
            // a changed catalog entry rolls the pods (a ConfigMap change alone would not)
            annotations.put("spavl.dev/catalog-sha256", GenerateManifests.sha256(catalogYaml));
        }
        ObjectNode pod = template.putObject("spec");
        pod.put("terminationGracePeriodSeconds", 30);
        ObjectNode podSecurity = pod.putObject("securityContext");
        podSecurity.put("runAsNonRoot", true);
        podSecurity.putObject("seccompProfile").put("type", "RuntimeDefault");

        ObjectNode c = pod.putArray("containers").addObject();
        c.put("name", "responder");
        c.put("image", IMAGE);
        c.putArray("ports").addObject().put("name", "http").put("containerPort", PORT);
        c.putArray("envFrom").addObject().putObject("configMapRef").put("name", "spavl-config");
        ArrayNode env = c.putArray("env");
        env.addObject().put("name", "QUARKUS_HTTP_HOST").put("value", "0.0.0.0");
        env.addObject().put("name", "SPAVL_RESPONDER_MODELS").put("value", lane.model);
        env.addObject().put("name", "SPAVL_RESPONDER_STANDBY_INTERVAL").put("value", STANDBY_INTERVAL);
        // topics come from the topic-init Job (dev) or Strimzi (prod), from the same list and lane set
        env.addObject().put("name", "SPAVL_RESPONDER_CREATE_LANE_TOPICS").put("value", "false");
        if (catalogYaml != null) {
            env.addObject().put("name", "SPAVL_MODELS_FILE").put("value", "/etc/spavl/models.yaml");
        }
        model.apiKeyEnv().ifPresent(keyEnv -> {
            ObjectNode ref = env.addObject().put("name", keyEnv).putObject("valueFrom").putObject("secretKeyRef");
            ref.put("name", SECRET).put("key", lane.model);
            // a simulated lane reads no key: it starts without the Secret; a real one must not
            ref.put("optional", model.simulated());
        });
        c.set("startupProbe", probe("/q/health/started", 2, 60));
        c.set("readinessProbe", probe("/q/health/ready", 10, 3));
        c.set("livenessProbe", probe("/q/health/live", 10, 3));
        ObjectNode resources = c.putObject("resources");
        Map<String, String> requests = lane.resources != null && lane.resources.requests != null
                ? lane.resources.requests : Map.of("cpu", "250m", "memory", "512Mi");
        Map<String, String> limits = lane.resources != null && lane.resources.limits != null
                ? lane.resources.limits : Map.of("cpu", "1", "memory", "1Gi");
        ObjectNode req = resources.putObject("requests");
        new java.util.TreeMap<>(requests).forEach(req::put);
        ObjectNode lim = resources.putObject("limits");
        new java.util.TreeMap<>(limits).forEach(lim::put);
        ObjectNode security = c.putObject("securityContext");
        security.put("allowPrivilegeEscalation", false);
        security.put("readOnlyRootFilesystem", true);
        security.putObject("capabilities").putArray("drop").add("ALL");
        ArrayNode mounts = c.putArray("volumeMounts");
        mounts.addObject().put("name", "tmp").put("mountPath", "/tmp");
        ArrayNode volumes = pod.putArray("volumes");
        // the only writable place: JVM and Vert.x temporary files
        volumes.addObject().put("name", "tmp").putObject("emptyDir");
        if (catalogYaml != null) {
            mounts.addObject().put("name", "catalog").put("mountPath", "/etc/spavl").put("readOnly", true);
            volumes.addObject().put("name", "catalog").putObject("configMap").put("name", name + "-catalog");
        }
        return d;
    }

    private static ObjectNode disruptionBudget(LaneSpec lane, String name) {
        ObjectNode pdb = object("policy/v1", "PodDisruptionBudget", name, lane.model);
        ObjectNode spec = pdb.putObject("spec");
        // one pod of the lane at a time; never minAvailable, which would block node drains of a one-pod lane
        // (a lane that is briefly away loses nothing: its requests wait on its topic)
        spec.put("maxUnavailable", 1);
        spec.putObject("selector").set("matchLabels", selector(lane.model));
        return pdb;
    }

    private static ObjectNode scaledObject(LaneSpec lane, String name, TopicSpec request, TopicSpec retry, String bootstrap) {
        ObjectNode so = object("keda.sh/v1alpha1", "ScaledObject", name, lane.model);
        ObjectNode spec = so.putObject("spec");
        spec.putObject("scaleTargetRef").put("name", name);
        spec.put("minReplicaCount", lane.scaleToZero ? 0 : 1);
        spec.put("maxReplicaCount", lane.maxReplicas);
        spec.put("pollingInterval", 15);
        // how long a scale-to-zero lane stays up after its topics drained
        spec.put("cooldownPeriod", 300);
        ArrayNode triggers = spec.putArray("triggers");
        // the lane's group consumes both topics; records waiting for a redelivery keep the lane up as well
        for (TopicSpec topic : List.of(request, retry)) {
            ObjectNode t = triggers.addObject();
            t.put("type", "kafka");
            ObjectNode m = t.putObject("metadata");
            m.put("bootstrapServers", bootstrap);
            m.put("consumerGroup", "spavl-responder-" + lane.model);
            m.put("topic", topic.name());
            m.put("lagThreshold", String.valueOf(lane.lagPerReplica));
            m.put("activationLagThreshold", "0");
            // the lane's consumer starts at the earliest offset where its group has no commit
            m.put("offsetResetPolicy", "earliest");
            // never more consumers than partitions
            m.put("allowIdleConsumers", "false");
        }
        return so;
    }

    private static ObjectNode probe(String path, int period, int failures) {
        ObjectNode p = JSON.objectNode();
        p.putObject("httpGet").put("path", path).put("port", "http");
        p.put("periodSeconds", period);
        p.put("failureThreshold", failures);
        return p;
    }

    static ObjectNode object(String apiVersion, String kind, String name, String model) {
        ObjectNode o = JSON.objectNode();
        o.put("apiVersion", apiVersion);
        o.put("kind", kind);
        ObjectNode meta = o.putObject("metadata");
        meta.put("name", name);
        meta.set("labels", labels(model));
        return o;
    }

    private static ObjectNode labels(String model) {
        ObjectNode l = selector(model);
        l.put("app.kubernetes.io/component", "responder");
        return l;
    }

    private static ObjectNode selector(String model) {
        ObjectNode l = JSON.objectNode();
        l.put("app.kubernetes.io/name", "responder");
        l.put("spavl.dev/model", model);
        return l;
    }
}
