package dev.spavl.generator.source;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No accepted image name can leave the folder it is joined to, and no candidate path resolves outside the input roots,
 * whatever mix of {@code ..}, {@code .}, empty segments, backslashes and control characters it is made of.
 */
class PathPropertiesTest {

    private static final Path ROOT = root();
    private static final Path OUTSIDE = outside();

    @Property(tries = 500)
    void anAcceptedImageNameIsAPlainRelativePathInsideItsFolder(@ForAll("names") String name) {
        if (ImageNames.problem(name) != null) {
            return;
        }
        assertThat(name).doesNotContain("\\").doesNotStartWith("/");
        assertThat(name.chars()).noneMatch(c -> c < 0x20 || c == 0x7f);
        assertThat(name.split("/", -1)).noneMatch(s -> s.isEmpty() || s.equals(".") || s.equals(".."));
        Path folder = Path.of("/export/training/images");
        Path joined = folder.resolve(name).normalize();
        assertThat(joined.startsWith(folder) && !joined.equals(folder)).as(joined.toString()).isTrue();
    }

    @Property(tries = 500)
    void resolveInsideNeverReturnsAPathOutsideTheRoots(@ForAll("candidates") String candidate) {
        InputRoots roots = new InputRoots(List.of(ROOT));
        Path resolved;
        try {
            resolved = roots.resolveInside(candidate);
        } catch (SourceException refused) {
            return; // outside, through a link, or not there: refused is fine
        } catch (java.nio.file.InvalidPathException notAPath) {
            return;
        }
        assertThat(resolved.startsWith(roots.roots().get(0))).as(candidate + " -> " + resolved).isTrue();
    }

    @Provide
    Arbitrary<String> names() {
        Arbitrary<String> segment = Arbitraries.oneOf(
                Arbitraries.of("..", ".", "", "a", "b.png", "...", ". .", "..\\..", "a\u0000b", "c\u007f", " "),
                Arbitraries.strings().withChars("./\\abc\u0001\u00e9\u202e ").ofMaxLength(6));
        return segment.list().ofMinSize(1).ofMaxSize(6).map(l -> String.join("/", l));
    }

    @Provide
    Arbitrary<String> candidates() {
        Arbitrary<String> segment = Arbitraries.of("..", ".", "", "in", "in.png", "link", "link-dir", "nowhere", "etc");
        Arbitrary<String> relative = segment.list().ofMinSize(1).ofMaxSize(7).map(l -> String.join("/", l));
        return Arbitraries.oneOf(relative, relative.map(r -> ROOT + "/" + r), relative.map(r -> OUTSIDE + "/" + r),
                relative.map(r -> "/" + r));
    }

    private static Path root() {
        try {
            Path root = Files.createTempDirectory("roots-property");
            Path outside = Files.createTempDirectory("outside-property");
            Files.writeString(root.resolve("in.png"), "x");
            Files.createDirectories(root.resolve("in"));
            Files.writeString(outside.resolve("etc"), "secret");
            Files.createSymbolicLink(root.resolve("link"), outside.resolve("etc"));
            Files.createSymbolicLink(root.resolve("link-dir"), outside);
            Files.createSymbolicLink(root.resolve("in").resolve("link-dir"), outside);
            return root;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path outside() {
        try {
            return ROOT.resolve("link-dir").toRealPath(); // the folder the links lead to
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
