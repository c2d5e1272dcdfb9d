package dev.spavl.blobstore;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * S3Proxy (org.gaul:s3proxy, a real S3 API server with SigV4 auth and an in-memory backend) run
 * as a child JVM on a free loopback port. Its jar-with-dependencies is copied into target/ by the
 * build (system property {@code spavl.s3proxy.jar}); a separate JVM keeps its Jetty/jclouds stack
 * off our test classpath.
 */
final class S3ProxyServer implements AutoCloseable {

    static final String ACCESS_KEY = "spavl-test-access";
    static final String SECRET_KEY = "spavl-test-secret";
    private static final Duration STARTUP = Duration.ofSeconds(60);

    private final Process process;
    private final Path log;
    final URI endpoint;

    private S3ProxyServer(Process process, Path log, URI endpoint) {
        this.process = process;
        this.log = log;
        this.endpoint = endpoint;
    }

    /**
     * Starts the server or explains why it could not: the message is meant for an Assumptions skip.
     */
    static S3ProxyServer start(Path workDir) throws StartFailure {
        String jarProp = System.getProperty("spavl.s3proxy.jar");
        if (jarProp == null || !Files.isRegularFile(Path.of(jarProp))) {
            throw new StartFailure("S3Proxy jar not found (system property spavl.s3proxy.jar=" + jarProp
                    + "); run the tests through Maven, which copies org.gaul:s3proxy:jar-with-dependencies");
        }
        String failures = "";
        // a port found free can be taken before the child binds it: try a few
        for (int attempt = 1; attempt <= 3; attempt++) {
            try {
                return startOnce(Path.of(jarProp), workDir.resolve("attempt-" + attempt));
            } catch (StartFailure e) {
                failures += "\n attempt " + attempt + ": " + e.getMessage();
            }
        }
        throw new StartFailure("S3Proxy did not start:" + failures);
    }

    private static S3ProxyServer startOnce(Path jar, Path dir) throws StartFailure {
        Process p = null;
        Path log = dir.resolve("s3proxy.log");
        try {
            Files.createDirectories(dir);
            int port = freePort();
            URI endpoint = URI.create("http://127.0.0.1:" + port);
            Path conf = dir.resolve("s3proxy.conf");
            Files.writeString(conf, String.join("\n",
                    "s3proxy.endpoint=" + endpoint,
                    "s3proxy.authorization=aws-v2-or-v4",
                    "s3proxy.identity=" + ACCESS_KEY,
                    "s3proxy.credential=" + SECRET_KEY,
                    "jclouds.provider=transient-nio2",
                    "jclouds.identity=unused",
                    "jclouds.credential=unused",
                    ""), StandardCharsets.UTF_8);
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            ProcessBuilder pb = new ProcessBuilder(List.of(java, "-Xmx256m", "-jar", jar.toString(),
                    "--properties", conf.toString()))
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            pb.environment().put("LOG_LEVEL", "warn");
            p = pb.start();
            Instant deadline = Instant.now().plus(STARTUP);
            while (Instant.now().isBefore(deadline)) {
                if (!p.isAlive()) {
                    throw new StartFailure("exited with " + p.exitValue() + ": " + tail(log));
                }
                if (answers(endpoint)) {
                    return new S3ProxyServer(p, log, endpoint);
                }
                Thread.sleep(200);
            }
            throw new StartFailure("no answer on " + endpoint + " within " + STARTUP + ": " + tail(log));
        } catch (StartFailure e) {
            stop(p);
            throw e;
        } catch (IOException e) {
            stop(p);
            throw new StartFailure("cannot launch: " + e);
        } catch (InterruptedException e) {
            stop(p);
            Thread.currentThread().interrupt();
            throw new StartFailure("interrupted while starting");
        }
    }

    /** Any HTTP status (anonymous requests get 403) means Jetty is serving. */
    private static boolean answers(URI endpoint) {
        try {
            HttpURLConnection c = (HttpURLConnection) endpoint.toURL().openConnection();
            c.setConnectTimeout(500);
            c.setReadTimeout(2000);
            try {
                return c.getResponseCode() > 0;
            } finally {
                c.disconnect();
            }
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    String logTail() {
        return tail(log);
    }

    private static void stop(Process p) {
        if (p == null) {
            return;
        }
        p.destroy();
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop(process);
    }

    static final class StartFailure extends Exception {
        private static final long serialVersionUID = 1L;

        StartFailure(String message) {
            super(message);
        }
    }
}
