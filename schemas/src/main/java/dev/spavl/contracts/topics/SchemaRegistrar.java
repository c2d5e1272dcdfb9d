package dev.spavl.contracts.topics;

import dev.spavl.contracts.EventSchemas;
import org.apache.avro.Schema;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * Registers the value schema of every topic (subject {@code <topic>-value}) before any service
 * starts, one at a time. Services still auto-register as a fallback, but then only find what is
 * there: a burst of first-time registrations from many producers at once makes the registry's H2
 * storage fail some of them (concurrent updates of its id sequence), and a producer would then fail
 * to serialize. The text registered is the schema's compact form, the same text the Java serializer
 * sends, so no second version is created.
 */
public final class SchemaRegistrar {

    private final URI registryV2;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** @param registryV2 the Apicurio v2 API base, e.g. http://127.0.0.1:8081/apis/registry/v2 */
    public SchemaRegistrar(URI registryV2) {
        String s = registryV2.toString();
        this.registryV2 = URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
    }

    /** @return how many subjects were registered or confirmed */
    public int register(List<TopicSpec> specs) throws IOException, InterruptedException {
        int n = 0;
        for (TopicSpec spec : specs) {
            Schema schema = EventSchemas.byName(spec.valueRecord());
            if (schema == null) {
                throw new IllegalArgumentException("topic " + spec.name() + " names unknown record " + spec.valueRecord());
            }
            register(spec.name() + "-value", schema);
            n++;
        }
        return n;
    }

    void register(String subject, Schema schema) throws IOException, InterruptedException {
        URI uri = URI.create(registryV2 + "/groups/default/artifacts?ifExists=RETURN_OR_UPDATE");
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("X-Registry-ArtifactId", URLEncoder.encode(subject, StandardCharsets.UTF_8))
                .header("X-Registry-ArtifactType", "AVRO")
                .POST(HttpRequest.BodyPublishers.ofString(schema.toString()))
                .build();
        IOException last = null;
        for (int attempt = 1; attempt <= 5; attempt++) {
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() / 100 == 2) {
                    return;
                }
                last = new IOException("registry answered " + response.statusCode() + " for subject " + subject + ": "
                        + response.body().substring(0, Math.min(300, response.body().length())));
                if (response.statusCode() / 100 == 4 && response.statusCode() != 409) {
                    throw last; // an incompatible schema or a bad request does not get better by retrying
                }
            } catch (IOException e) {
                last = e;
            }
            Thread.sleep(200L * attempt);
        }
        throw last;
    }
}
