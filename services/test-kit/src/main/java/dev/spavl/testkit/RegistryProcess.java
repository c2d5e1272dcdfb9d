package dev.spavl.testkit;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The Apicurio Registry fast-jar (deploy/local/registry) as a child JVM on a free loopback port,
 * in-memory storage, global compatibility BACKWARD: the same registry the local stack runs.
 */
public final class RegistryProcess implements AutoCloseable {

    static final String JAR = "deploy/local/registry/app/target/quarkus-app/quarkus-run.jar";

    private final ChildJvm jvm;
    private final int port;

    private RegistryProcess(ChildJvm jvm, int port) {
        this.jvm = jvm;
        this.port = port;
    }

    public static RegistryProcess start() {
        int port = ChildJvm.freePort();
        ChildJvm jvm = ChildJvm.start("registry", SpavlRoot.locate().resolve(JAR),
                List.of("-Xmx160m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                        "-Dquarkus.http.host=127.0.0.1", "-Dquarkus.http.port=" + port,
                        "-Dregistry.rules.global.compatibility=BACKWARD"),
                Map.of(), URI.create("http://127.0.0.1:" + port + "/health/ready"), Duration.ofSeconds(90));
        return new RegistryProcess(jvm, port);
    }

    /** Base URL of the Apicurio v2 API, the form the Java serdes need. */
    public String registryV2Url() {
        return "http://127.0.0.1:" + port + "/apis/registry/v2";
    }

    /** Base URL of the Confluent-compatible API, for non-Java clients. */
    public String confluentCompatUrl() {
        return "http://127.0.0.1:" + port + "/apis/ccompat/v7";
    }

    public int port() {
        return port;
    }

    @Override
    public void close() {
        jvm.close();
    }
}
