package dev.spavl.contracts.topics;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * Makes a broker match the topic list: creates missing topics, raises partition counts that are
 * too low and aligns retention/cleanup settings. It never deletes or shrinks anything.
 * Also the command-line entry point {@code ./spavl} uses against the local broker.
 */
public final class TopicProvisioner {

    private final Admin admin;

    public TopicProvisioner(Admin admin) {
        this.admin = admin;
    }

    public record Report(List<String> created, List<String> updated, List<String> unchanged) {
        @Override
        public String toString() {
            return "created " + created.size() + ", updated " + updated.size() + ", unchanged " + unchanged.size();
        }
    }

    public Report provision(List<TopicSpec> specs) throws ExecutionException, InterruptedException, TimeoutException {
        Set<String> existing = admin.listTopics().names().get(60, TimeUnit.SECONDS);
        List<String> created = new ArrayList<>();
        List<String> updated = new ArrayList<>();
        List<String> unchanged = new ArrayList<>();
        List<TopicSpec> missing = specs.stream().filter(s -> !existing.contains(s.name())).toList();
        if (!missing.isEmpty()) {
            admin.createTopics(missing.stream().map(TopicSpec::toNewTopic).toList()).all().get();
            missing.forEach(s -> created.add(s.name()));
        }
        List<TopicSpec> present = specs.stream().filter(s -> existing.contains(s.name())).toList();
        if (!present.isEmpty()) {
            Map<String, TopicDescription> descriptions =
                    admin.describeTopics(present.stream().map(TopicSpec::name).toList()).allTopicNames().get();
            Map<String, NewPartitions> grow = new HashMap<>();
            Map<ConfigResource, java.util.Collection<AlterConfigOp>> alter = new HashMap<>();
            Map<ConfigResource, org.apache.kafka.clients.admin.Config> current = admin.describeConfigs(present.stream()
                    .map(s -> new ConfigResource(ConfigResource.Type.TOPIC, s.name())).toList()).all().get();
            for (TopicSpec s : present) {
                boolean changed = false;
                if (descriptions.get(s.name()).partitions().size() < s.partitions()) {
                    grow.put(s.name(), NewPartitions.increaseTo(s.partitions()));
                    changed = true;
                }
                ConfigResource res = new ConfigResource(ConfigResource.Type.TOPIC, s.name());
                List<AlterConfigOp> ops = new ArrayList<>();
                for (Map.Entry<String, String> c : s.configs().entrySet()) {
                    ConfigEntry now = current.get(res).get(c.getKey());
                    if (now == null || !c.getValue().equals(now.value())) {
                        ops.add(new AlterConfigOp(new ConfigEntry(c.getKey(), c.getValue()), AlterConfigOp.OpType.SET));
                    }
                }
                if (!ops.isEmpty()) {
                    alter.put(res, ops);
                    changed = true;
                }
                (changed ? updated : unchanged).add(s.name());
            }
            if (!grow.isEmpty()) {
                admin.createPartitions(grow).all().get();
            }
            if (!alter.isEmpty()) {
                admin.incrementalAlterConfigs(alter).all().get();
            }
        }
        return new Report(created, updated, unchanged);
    }

    /**
     * {@code TopicProvisioner --bootstrap host:port [--prefix spavl] [--models a,b|default] [--file topics.yaml]
     * [--registry http://host:port/apis/registry/v2]}: with a registry, every topic's value schema is registered too.
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> opts = parse(args);
        String bootstrap = opts.get("bootstrap");
        if (bootstrap == null) {
            System.err.println("usage: TopicProvisioner --bootstrap host:port [--prefix spavl] [--models default|id,id|default,id] [--file topics.yaml] [--registry url]");
            System.exit(2);
        }
        TopicCatalog catalog = opts.containsKey("file") ? TopicCatalog.read(Path.of(opts.get("file"))) : TopicCatalog.bundled();
        String models = opts.getOrDefault("models", "default");
        // "default" stands for the list's own models and may be combined with more: default,my-model
        List<String> modelIds = Arrays.stream(models.split(",")).map(String::trim).filter(m -> !m.isEmpty())
                .flatMap(m -> "default".equals(m) ? catalog.defaultModels().stream() : java.util.stream.Stream.of(m))
                .distinct().collect(Collectors.toList());
        List<TopicSpec> specs = catalog.resolve(opts.getOrDefault("prefix", "spavl"), modelIds);
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "60000");
        try (Admin admin = Admin.create(props)) {
            Report report = new TopicProvisioner(admin).provision(specs);
            System.out.println("topics: " + specs.size() + " in the list; " + report);
        }
        if (opts.containsKey("registry")) {
            int subjects = new SchemaRegistrar(java.net.URI.create(opts.get("registry"))).register(specs);
            System.out.println("schemas: " + subjects + " subjects registered");
        }
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> out = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --option value pairs, got '" + args[i] + "'");
            }
            out.put(args[i].substring(2), args[++i]);
        }
        return out;
    }
}
