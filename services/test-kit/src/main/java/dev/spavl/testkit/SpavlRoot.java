package dev.spavl.testkit;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the repository root, where the registry fast-jar, the Kafka jars and ./spavl live. */
public final class SpavlRoot {

    private SpavlRoot() {
    }

    public static Path locate() {
        String configured = System.getProperty("spavl.root");
        if (configured != null && !configured.isBlank() && isRoot(Path.of(configured))) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (isRoot(p)) {
                return p;
            }
        }
        throw new IllegalStateException("cannot find the spavl repository root from " + Path.of("").toAbsolutePath()
                + " (set -Dspavl.root=<checkout>)");
    }

    private static boolean isRoot(Path p) {
        return Files.isRegularFile(p.resolve("mvnw")) && Files.isRegularFile(p.resolve("schemas/topics.yaml"));
    }
}
