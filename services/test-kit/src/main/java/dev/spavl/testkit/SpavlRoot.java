package dev.spavl.testkit;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the repository root, where the registry fast-jar, the Kafka jars and ./spavl live. */
public final class SpavlRoot {

    private SpavlRoot() {
    }

    public static Path locate() {
        String configured = System.getProperty("spavl.root");
        if (configured != null && !configured.isBlank() && Files.isRegularFile(Path.of(configured, "spavl"))) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("spavl")) && Files.isDirectory(p.resolve("schemas"))) {
                return p;
            }
        }
        throw new IllegalStateException("cannot find the spavl repository root from " + Path.of("").toAbsolutePath()
                + " (set -Dspavl.root=<checkout>)");
    }
}
