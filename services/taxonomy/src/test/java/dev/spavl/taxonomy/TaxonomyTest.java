package dev.spavl.taxonomy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TaxonomyTest {

    private static final String TAX_HEADER = "class1\tclass2\tclass3\tprovenance\n";
    private static final String KW_HEADER =
            "class1\tclass2\tclass3\tkeyword1\tkeyword2\tkeyword3\tkeyword4\tkeyword5\tkeyword6\n";

    @TempDir
    Path dir;

    // ---- the bundled SPA-VL taxonomy ----

    @Test
    void bundledHasSixDomainsFifteenCategoriesFiftyThreeLeaves() {
        Taxonomy t = Taxonomy.bundled();
        assertThat(t.tree()).hasSize(6);
        assertThat(t.tree().stream().mapToInt(d -> d.categories().size()).sum()).isEqualTo(15);
        assertThat(t.leaves()).hasSize(53);
        assertThat(t.source()).isEqualTo("bundled:spa-vl-taxonomy.tsv");
        assertThat(Taxonomy.bundled()).isSameAs(t);
    }

    @Test
    void bundledKeepsTheQuirkyStringsOfTheReleasedData() {
        Taxonomy t = Taxonomy.bundled();
        assertThat(t.contains("Representation & ToxicityHarms", "Toxic", "bully")).isTrue();
        assertThat(t.contains("Human Autonomy & IntegrityHarms", "Persuasion and manipulation", "physical harm")).isTrue();
        assertThat(t.contains("Malicious Use", "Fraud or deceptive action", "scamns")).isTrue();
        assertThat(t.contains("Representation & ToxicityHarms", "Unfair", "disablity discrimination")).isTrue();
        assertThat(t.contains("Socioeconomic Harms", "Risky financial practices", "paypal lending")).isTrue();
        // the "corrected" spellings must not exist
        assertThat(t.contains("Representation & Toxicity Harms", "Toxic", "bully")).isFalse();
        assertThat(t.contains("Malicious Use", "Fraud or deceptive action", "scams")).isFalse();
    }

    @Test
    void bundledProvenanceCounts() {
        // Counted by hand in /work/shared/reference/spa-vl-taxonomy.tsv: 16 rows say "inferred" and
        // 2 rows are partly inferred ("confirmed-leaf;inferred-class1-class2", "confirmed-leaf;inferred-class2"),
        // which map to INFERRED: 18. The other 35 are "confirmed" (the reference's "35 exact strings").
        List<Leaf> leaves = Taxonomy.bundled().leaves();
        assertThat(leaves.stream().filter(l -> l.provenance() == Provenance.INFERRED)).hasSize(18);
        assertThat(leaves.stream().filter(l -> l.provenance() == Provenance.CONFIRMED)).hasSize(35);
    }

    @Test
    void partlyInferredLeavesKeepTheirProvenanceText() {
        Taxonomy t = Taxonomy.bundled();
        Leaf copyright = t.find("Human Autonomy & IntegrityHarms", "Violation of personal property",
                "copyright infringement").orElseThrow();
        assertThat(copyright.provenance()).isEqualTo(Provenance.INFERRED);
        assertThat(t.provenanceText(copyright)).isEqualTo("confirmed-leaf;inferred-class2");
        Leaf drugs = t.find("Misinformation Harms", "Erosion of trust in public information", "illegal drugs").orElseThrow();
        assertThat(drugs.provenance()).isEqualTo(Provenance.INFERRED);
        assertThat(t.provenanceText(drugs)).isEqualTo("confirmed-leaf;inferred-class1-class2");
        assertThat(t.provenanceText(t.leaves().get(0))).isEqualTo("confirmed");
        assertThatThrownBy(() -> t.provenanceText(new Leaf("a", "b", "c", Provenance.CONFIRMED, List.of())))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void everyBundledLeafHasSixDistinctLowercaseKeywords() {
        for (Leaf l : Taxonomy.bundled().leaves()) {
            assertThat(l.keywords()).as(l.path()).hasSize(6).doesNotHaveDuplicates();
            for (String kw : l.keywords()) {
                assertThat(kw).as(l.path()).isNotBlank().isEqualTo(kw.strip()).isEqualTo(kw.toLowerCase(Locale.ROOT));
            }
        }
        assertThat(Taxonomy.bundled().find("Malicious Use", "Security threats", "cyber").orElseThrow().keywords())
                .contains("hacker hoodie laptop code");
    }

    @Test
    void findIsExact() {
        Taxonomy t = Taxonomy.bundled();
        assertThat(t.find("Malicious Use", "Security threats", "cyber")).get()
                .isEqualTo(t.leaves().get(24))
                .extracting(Leaf::class3).isEqualTo("cyber");
        assertThat(t.find("malicious use", "Security threats", "cyber")).isEmpty();
        assertThat(t.find("Malicious Use", "Security Threats", "cyber")).isEmpty();
        assertThat(t.find("Malicious Use", "Security threats", "Cyber")).isEmpty();
        assertThat(t.find("Malicious Use ", "Security threats", "cyber")).isEmpty();
        assertThat(t.find("Malicious Use", "Security threats", " cyber")).isEmpty();
        assertThat(t.find("Malicious Use", "Security threats", "weapon ")).isEmpty();
        // a leaf name under the wrong parent is not a match
        assertThat(t.find("Malicious Use", "Illegal activities", "cyber")).isEmpty();
        assertThat(t.contains("Malicious Use", "Security threats", "cyber")).isTrue();
    }

    @Test
    void treeFollowsFileOrderAndNesting() {
        Taxonomy t = Taxonomy.bundled();
        assertThat(t.tree()).extracting(Domain::name).containsExactly(
                "Representation & ToxicityHarms", "Misinformation Harms", "Information & Safety Harms",
                "Malicious Use", "Human Autonomy & IntegrityHarms", "Socioeconomic Harms");
        assertThat(t.tree().get(3).categories()).extracting(Category::name).containsExactly(
                "Security threats", "Defamation", "Fraud or deceptive action", "Influence operations",
                "Illegal activities");
        assertThat(t.tree().get(0).categories().get(0).leaves()).extracting(Leaf::class3).containsExactly(
                "bully", "harass", "hate", "insult", "terrorism", "threaten", "violent");
        // every leaf sits under its own domain and category, and the tree flattens back to leaves()
        List<Leaf> flattened = t.tree().stream().flatMap(d -> d.categories().stream()
                .peek(c -> assertThat(c.leaves()).allSatisfy(l -> {
                    assertThat(l.class1()).isEqualTo(d.name());
                    assertThat(l.class2()).isEqualTo(c.name());
                }))
                .flatMap(c -> c.leaves().stream())).toList();
        assertThat(flattened).containsExactlyElementsOf(t.leaves());
    }

    @Test
    void viewsAreImmutable() {
        Taxonomy t = Taxonomy.bundled();
        assertThatThrownBy(() -> t.leaves().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> t.tree().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> t.leaves().get(0).keywords().clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    // ---- custom taxonomies ----

    @Test
    void loadsACustomTaxonomyWithCommentsBlankLinesAndKeywords() throws IOException {
        Path tax = write("tax.tsv", "# our own taxonomy\n\n" + TAX_HEADER
                + "Dom A\tCat 1\tleaf x\tconfirmed\n"
                + "\n# comment between rows\n"
                + "Dom B\tCat 2\tleaf y\tinferred\r\n" // CRLF tolerated
                + "Dom A\tCat 1\tleaf z\tconfirmed-leaf;inferred-class2\n"
                + "Dom A\tCat 3\tleaf x\tconfirmed\n");
        Path kw = write("kw.tsv", "# authored\n" + KW_HEADER
                + "Dom B\tCat 2\tleaf y\ta\tb\tc\td\te\tf\n"
                + "Dom A\tCat 1\tleaf x\tg\th\ti\tj\tk\tl\n"
                + "Dom A\tCat 3\tleaf x\tm\tn\to\tp\tq\tr\n"
                + "Dom A\tCat 1\tleaf z\tlé\tü\tß\tç\tñ\tø\n");

        Taxonomy t = Taxonomy.load(tax, kw);

        assertThat(t.leaves()).extracting(Leaf::class3).containsExactly("leaf x", "leaf y", "leaf z", "leaf x");
        assertThat(t.leaves()).extracting(Leaf::provenance).containsExactly(
                Provenance.CONFIRMED, Provenance.INFERRED, Provenance.INFERRED, Provenance.CONFIRMED);
        assertThat(t.find("Dom A", "Cat 1", "leaf z").orElseThrow().keywords()).containsExactly("lé", "ü", "ß", "ç", "ñ", "ø");
        assertThat(t.find("Dom A", "Cat 3", "leaf x").orElseThrow().keywords()).containsExactly("m", "n", "o", "p", "q", "r");
        // tree groups by first appearance, so Dom A (with its late Cat 1 leaf and Cat 3) comes first
        assertThat(t.tree()).extracting(Domain::name).containsExactly("Dom A", "Dom B");
        assertThat(t.tree().get(0).categories()).extracting(Category::name).containsExactly("Cat 1", "Cat 3");
        assertThat(t.tree().get(0).categories().get(0).leaves()).extracting(Leaf::class3).containsExactly("leaf x", "leaf z");
        assertThat(t.source()).contains(tax.toAbsolutePath().toString()).contains(kw.toAbsolutePath().toString());
    }

    @Test
    void loadWithoutKeywordsGivesEmptyKeywordLists() throws IOException {
        Path tax = write("tax.tsv", TAX_HEADER + "D\tC\tL\tinferred\n");
        Taxonomy t = Taxonomy.load(tax);
        assertThat(t.leaves()).singleElement().satisfies(l -> assertThat(l.keywords()).isEmpty());
        assertThat(t.source()).isEqualTo(tax.toAbsolutePath().toString());
    }

    @Test
    void missingFileIsAnIoErrorNamingThePath() {
        Path missing = dir.resolve("nope.tsv");
        assertThatThrownBy(() -> Taxonomy.load(missing))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining(missing.toAbsolutePath().toString());
    }

    // ---- strict parsing ----

    static Stream<Arguments> badTaxonomies() {
        return Stream.of(
                Arguments.of("wrong column count", TAX_HEADER + "D\tC\tL\tconfirmed\nD\tC\tM\n", 3,
                        "expected 4 tab-separated columns"),
                Arguments.of("too many columns", TAX_HEADER + "D\tC\tL\tconfirmed\textra\n", 2,
                        "found 5"),
                Arguments.of("empty field", "# c\n" + TAX_HEADER + "D\t\tL\tconfirmed\n", 3,
                        "empty field 'class2'"),
                Arguments.of("blank field", TAX_HEADER + "D\tC\t  \tconfirmed\n", 2,
                        "empty field 'class3'"),
                Arguments.of("trailing tab", TAX_HEADER + "D\tC\tL\tconfirmed\t\n", 2,
                        "found 5"),
                Arguments.of("whitespace around a name", TAX_HEADER + "D\tC\tL \tconfirmed\n", 2,
                        "leading or trailing whitespace"),
                Arguments.of("unknown provenance", TAX_HEADER + "D\tC\tL\tconfirmed\nD\tC\tM\tConfirmed\n", 3,
                        "unknown provenance 'Confirmed'"),
                Arguments.of("bad qualified provenance", TAX_HEADER + "D\tC\tL\tconfirmed-leaf;guessed-class2\n", 2,
                        "unknown provenance"),
                Arguments.of("duplicate leaf", TAX_HEADER + "D\tC\tL\tconfirmed\n\nD\tC\tL\tinferred\n", 4,
                        "duplicate leaf 'D > C > L' (first defined on line 2)"),
                Arguments.of("wrong header", "class1\tclass2\tclass3\n", 1,
                        "expected the header"),
                Arguments.of("missing header", "D\tC\tL\tconfirmed\n", 1,
                        "expected the header"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badTaxonomies")
    void taxonomyErrorsNameFileAndLine(String label, String content, int line, String what) throws IOException {
        Path tax = write("bad-tax.tsv", content);
        assertThatThrownBy(() -> Taxonomy.load(tax))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(tax.toAbsolutePath() + " line " + line + ": ")
                .hasMessageContaining(what);
    }

    @Test
    void invalidUtf8IsReportedWithItsLine() throws IOException {
        Path tax = dir.resolve("latin1.tsv");
        Files.write(tax, (TAX_HEADER + "D\tC\tL\tconfirmed\nD\tC\tdiscrimination \u00e9\tconfirmed\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        assertThatThrownBy(() -> Taxonomy.load(tax))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(tax.toAbsolutePath() + " line 3: not valid UTF-8");
    }

    @Test
    void headerOnlyTaxonomyIsRejected() throws IOException {
        Path tax = write("empty.tsv", "# nothing\n" + TAX_HEADER);
        assertThatThrownBy(() -> Taxonomy.load(tax))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no leaves");
    }

    static Stream<Arguments> badKeywords() {
        return Stream.of(
                Arguments.of("leaf not in taxonomy", KW_HEADER + "D\tC\tL\ta\tb\tc\td\te\tf\nD\tC\tX\ta\tb\tc\td\te\tf\n", 3,
                        "keywords for a leaf not in the taxonomy: 'D > C > X'"),
                Arguments.of("near-miss name gets a hint", KW_HEADER + "d\tC\tL\ta\tb\tc\td\te\tf\n", 2,
                        "did you mean 'D > C > L'"),
                Arguments.of("five keywords", KW_HEADER + "D\tC\tL\ta\tb\tc\td\te\n", 2,
                        "each leaf needs exactly 6 keywords"),
                Arguments.of("seven keywords", KW_HEADER + "D\tC\tL\ta\tb\tc\td\te\tf\tg\n", 2,
                        "each leaf needs exactly 6 keywords"),
                Arguments.of("empty keyword", KW_HEADER + "D\tC\tL\ta\tb\t\td\te\tf\n", 2,
                        "empty field 'keyword3'"),
                Arguments.of("duplicate keyword", KW_HEADER + "D\tC\tL\ta\tb\tc\td\tE\te\n", 2,
                        "duplicate keyword 'e'"),
                Arguments.of("duplicate row", KW_HEADER + "D\tC\tL\ta\tb\tc\td\te\tf\nD\tC\tL\ta\tb\tc\td\te\tf\n", 3,
                        "duplicate keywords row for leaf 'D > C > L' (first on line 2)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badKeywords")
    void keywordErrorsNameFileAndLine(String label, String content, int line, String what) throws IOException {
        Path tax = write("tax.tsv", TAX_HEADER + "D\tC\tL\tconfirmed\n");
        Path kw = write("bad-kw.tsv", content);
        assertThatThrownBy(() -> Taxonomy.load(tax, kw))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(kw.toAbsolutePath() + " line " + line + ": ")
                .hasMessageContaining(what);
    }

    @Test
    void leafWithoutKeywordsRowIsRejectedWhenAKeywordsFileIsGiven() throws IOException {
        Path tax = write("tax.tsv", TAX_HEADER + "D\tC\tL\tconfirmed\n# gap\nD\tC\tM\tinferred\n");
        Path kw = write("kw.tsv", KW_HEADER + "D\tC\tL\ta\tb\tc\td\te\tf\n");
        assertThatThrownBy(() -> Taxonomy.load(tax, kw))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(kw.toAbsolutePath() + ": no keywords row for leaf 'D > C > M'")
                .hasMessageContaining(tax.toAbsolutePath() + " line 4")
                .hasMessageContaining("exactly 6 keywords");
    }

    @Test
    void distinctKeywordsAcrossLeavesMayRepeat() throws IOException {
        // uniqueness is per leaf only: two leaves may share a search phrase
        Path tax = write("tax.tsv", TAX_HEADER + "D\tC\tL\tconfirmed\nD\tC\tM\tconfirmed\n");
        Path kw = write("kw.tsv", KW_HEADER + "D\tC\tL\ta\tb\tc\td\te\tf\nD\tC\tM\ta\tb\tc\td\te\tf\n");
        assertThat(new HashSet<>(Taxonomy.load(tax, kw).leaves().get(1).keywords())).hasSize(6);
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
    }
}
