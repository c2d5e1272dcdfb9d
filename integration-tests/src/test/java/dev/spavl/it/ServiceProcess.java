package dev.spavl.it;

import dev.spavl.testkit.ChildJvm;

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** One service's built fast-jar as its own JVM on a free port, pointed at infrastructure through its environment. */
final class ServiceProcess implements AutoCloseable {

    private final ChildJvm jvm;
    final int port;

    private ServiceProcess(ChildJvm jvm, int port) {
        this.jvm = jvm;
        this.port = port;
    }

    static ServiceProcess start(String name, Map<String, String> env) {
        int port = ChildJvm.freePort();
        Map<String, String> all = new HashMap<>(env);
        all.put("QUARKUS_HTTP_HOST", "127.0.0.1");
        all.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        ChildJvm jvm = ChildJvm.start(name, SpavlCommand.ROOT.resolve("services/" + name + "/target/quarkus-app/quarkus-run.jar"),
                List.of("-Xmx256m"), all, URI.create("http://127.0.0.1:" + port + "/q/health/ready"), Duration.ofSeconds(90));
        return new ServiceProcess(jvm, port);
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    @Override
    public void close() {
        jvm.close();
    }
}
