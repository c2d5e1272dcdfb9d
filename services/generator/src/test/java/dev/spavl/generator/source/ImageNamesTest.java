package dev.spavl.generator.source;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ImageNamesTest {

    @Test
    void plainRelativePathsAreNames() {
        assertThat(ImageNames.problem("Malicious Use/Security threats/cyber/170.jpg")).isNull();
        assertThat(ImageNames.problem("a.png")).isNull();
        assertThat(ImageNames.problem("Représentation/é.png")).isNull();
        assertThat(ImageNames.problem("x/" + "a".repeat(ImageNames.MAX_SEGMENT_BYTES))).isNull();
    }

    @Test
    void anythingThatCouldLeaveTheImageFolderOrCollideIsNot() {
        for (String bad : List.of("../../README.md", "a/../../b.png", "./a.png", "a//b.png", "a/", "/etc/passwd",
                "a\\b.png", "a\nb.png", "a\u0000b.png", "")) {
            assertThat(ImageNames.problem(bad)).as(bad).isNotNull();
        }
        assertThat(ImageNames.problem("../../README.md")).isEqualTo("image_name '../../README.md' has an '..' segment; it must be "
                + "a plain relative path such as class1/class2/class3/file.png");
        assertThat(ImageNames.problem("x/" + "é".repeat(128))).contains("longer than 255 bytes");
        assertThat(ImageNames.problem("a/".repeat(600) + "b")).contains("at most 1024");
    }

    @Test
    void aNameIsOneImageWithinARun() {
        SourceListing listing = new SourceListing(List.of(row(1, "/in/a.png", "A/B/C/x.png"), row(2, "/in/b.png", "A/B/C/x.png"),
                row(3, "/in/a.png", "A/B/C/x.png"), row(4, "/in/c.png", "A/B/C/y.png")), List.of());
        SourceListing unique = ImageNames.unique(listing);
        assertThat(unique.rows()).extracting(SourceRow::rowNo).containsExactly(1, 3, 4);
        assertThat(unique.problems()).singleElement().satisfies(p -> {
            assertThat(p.rowNo()).isEqualTo(2);
            assertThat(p.detail()).isEqualTo("image_name 'A/B/C/x.png' is already row 1's (/in/a.png); each image needs a name of its own");
        });
    }

    private static SourceRow row(int rowNo, String path, String name) {
        return new SourceRow(rowNo, path, null, null, null, "A", "B", "C", name, null);
    }
}
