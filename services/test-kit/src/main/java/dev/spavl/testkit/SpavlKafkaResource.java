package dev.spavl.testkit;

import dev.spavl.contracts.topics.SchemaRegistrar;
import dev.spavl.contracts.topics.TopicCatalog;
import dev.spavl.contracts.topics.TopicProvisioner;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Real Kafka + real schema registry for a {@code @QuarkusTest}: the in-JVM broker and the registry
 * child process start in parallel, every topic of schemas/topics.yaml is created with the "spavl"
 * prefix and the default models, and the service is pointed at both.
 *
 * <p>Other tests read {@link #bootstrapServers()} and {@link #registryUrl()} through
 * {@link SpavlKafkaResource#current()}.
 */
public class SpavlKafkaResource implements QuarkusTestResourceLifecycleManager {

    private static volatile SpavlKafkaResource current;

    private InJvmKafkaBroker broker;
    private RegistryProcess registry;

    public static SpavlKafkaResource current() {
        if (current == null) {
            throw new IllegalStateException("SpavlKafkaResource is not started for this test");
        }
        return current;
    }

    @Override
    public Map<String, String> start() {
        CompletableFuture<RegistryProcess> registryStart = CompletableFuture.supplyAsync(RegistryProcess::start);
        broker = InJvmKafkaBroker.start();
        try {
            provisionTopics(broker.bootstrapServers());
            registry = registryStart.join();
            registerSchemas(registry.registryV2Url());
        } catch (RuntimeException | Error e) {
            registryStart.thenAccept(RegistryProcess::close);
            broker.close();
            broker = null;
            throw e;
        }
        current = this;
        return Map.of(
                "kafka.bootstrap.servers", broker.bootstrapServers(),
                "mp.messaging.connector.smallrye-kafka.apicurio.registry.url", registry.registryV2Url(),
                "spavl.registry.url", registry.registryV2Url());
    }

    private static void provisionTopics(String bootstrap) {
        TopicCatalog catalog = TopicCatalog.bundled();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            new TopicProvisioner(admin).provision(catalog.resolve("spavl", catalog.defaultModels()));
        } catch (Exception e) {
            throw new IllegalStateException("cannot create the topics on the test broker: " + e.getMessage(), e);
        }
    }

    private static void registerSchemas(String registryV2) {
        TopicCatalog catalog = TopicCatalog.bundled();
        try {
            new SchemaRegistrar(java.net.URI.create(registryV2)).register(catalog.resolve("spavl", catalog.defaultModels()));
        } catch (Exception e) {
            throw new IllegalStateException("cannot register the schemas in the test registry: " + e.getMessage(), e);
        }
    }

    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    public String registryUrl() {
        return registry.registryV2Url();
    }

    public String confluentCompatUrl() {
        return registry.confluentCompatUrl();
    }

    public static List<String> defaultModels() {
        return TopicCatalog.bundled().defaultModels();
    }

    @Override
    public void stop() {
        current = null;
        if (registry != null) {
            registry.close();
        }
        if (broker != null) {
            broker.close();
        }
    }
}
