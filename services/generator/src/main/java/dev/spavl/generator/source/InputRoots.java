package dev.spavl.generator.source;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The only folders local input may come from. A path is inside when its real path (links resolved,
 * .. removed) lies under the real path of a root, so neither ../ nor a symbolic link escapes.
 */
public final class InputRoots {

    private final List<Path> roots;

    public InputRoots(List<Path> roots) {
        this.roots = roots.stream().map(InputRoots::real).toList();
    }

    public List<Path> roots() {
        return roots;
    }

    /**
     * The real path of {@code candidate} when it is inside a root; relative paths resolve against the
     * first root. "Outside" is decided before existence, so probing paths outside the roots tells
     * nothing about what exists there.
     */
    public Path resolveInside(String candidate) {
        Path p = Path.of(candidate);
        if (!p.isAbsolute()) {
            if (roots.isEmpty()) {
                throw new SourceException("no input roots are configured (spavl.generator.input-roots): local input is refused");
            }
            p = roots.get(0).resolve(p);
        }
        Path normalized = p.toAbsolutePath().normalize();
        if (roots.stream().noneMatch(normalized::startsWith)) {
            throw new OutsideRootsException(candidate + " is outside the input roots " + roots);
        }
        Path real;
        try {
            real = normalized.toRealPath();
        } catch (IOException e) {
            throw new SourceException(candidate + " does not exist or cannot be read");
        }
        // a symbolic link inside a root may still point outside it
        if (roots.stream().noneMatch(real::startsWith)) {
            throw new OutsideRootsException(candidate + " leads outside the input roots " + roots + " (through a link)");
        }
        return real;
    }

    private static Path real(Path root) {
        try {
            return root.toRealPath();
        } catch (IOException e) {
            // a root that does not exist (yet) still confines: compare against its normalised absolute form
            return root.toAbsolutePath().normalize();
        }
    }

    /** A path outside every root, or escaping one. */
    public static final class OutsideRootsException extends SourceException {
        public OutsideRootsException(String message) {
            super(message);
        }
    }

}
