package dev.spavl.it;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/** What the deployment tests read from the repository's own sources, so that manifests are checked against the code. */
final class ServiceSources {

    private ServiceSources() {
    }

    /** A properties file (application.properties, compose's .env). */
    static Properties properties(Path file) {
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(file)) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return properties;
    }

    /** quarkus.http.port from the service's own application.properties. */
    static int httpPort(String service) {
        Path file = SpavlCommand.ROOT.resolve("services/" + service + "/src/main/resources/application.properties");
        return Integer.parseInt(properties(file).getProperty("quarkus.http.port").trim());
    }
}
