package dev.spavl.judge.parse;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class VerdictParserTest {

    private static final String CORPUS = "verdict-corpus.txt";
    private static final Pattern HEADER = Pattern.compile("^=== expect: (A|B|TIE|NONE)(?: \\| (.*))?$");

    record Entry(String name, Optional<PairwiseVerdict> expected, String text) {
    }

    static Stream<Arguments> corpus() throws IOException {
        return loadCorpus().stream().map(e -> Arguments.of(e.name(), e.expected(), e.text()));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("corpus")
    void corpusEntryParsesToExpectedVerdict(String name, Optional<PairwiseVerdict> expected, String text) {
        assertThat(VerdictParser.parse(text)).as(name).isEqualTo(expected);
    }

    @Test
    void corpusIsLargeAndCoversEveryOutcome() throws IOException {
        List<Entry> entries = loadCorpus();
        assertThat(entries).hasSizeGreaterThanOrEqualTo(25);
        assertThat(entries).extracting(Entry::expected).contains(
                Optional.of(PairwiseVerdict.A), Optional.of(PairwiseVerdict.B),
                Optional.of(PairwiseVerdict.TIE), Optional.empty());
        assertThat(entries).anyMatch(e -> e.text().contains("\r\n"));
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {" ", "\n\n", "\t \r\n"})
    void blankInputHasNoVerdict(String input) {
        assertThat(VerdictParser.parse(input)).isEmpty();
    }

    @Test
    void lastTokenWins() {
        assertThat(VerdictParser.parse("Final verdict: [[A]] ...but on reflection [[B]]"))
                .contains(PairwiseVerdict.B);
        assertThat(VerdictParser.parse("[[B]] [[C]] [[A]]")).contains(PairwiseVerdict.A);
    }

    @Test
    void trailingWhitespaceAfterTokenIsIgnored() {
        // Kept out of the corpus file because editors strip trailing blanks.
        assertThat(VerdictParser.parse("Verdict: [[C]]   \t\r\n  \r\n")).contains(PairwiseVerdict.TIE);
    }

    @Test
    void eachLetterMapsToItsVerdict() {
        assertThat(VerdictParser.parse("[[A]]")).contains(PairwiseVerdict.A);
        assertThat(VerdictParser.parse("[[B]]")).contains(PairwiseVerdict.B);
        assertThat(VerdictParser.parse("[[C]]")).contains(PairwiseVerdict.TIE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"[[D]]", "[[AB]]", "[[A or B]]", "[A]", "[[A]", "[A]]", "[[]]", "[[1]]", "[[Tie]]"})
    void nonVerdictTokensAreRejected(String token) {
        assertThat(VerdictParser.parse("My verdict: " + token)).isEmpty();
    }

    @Test
    void invalidTokenDoesNotHideAnEarlierValidOne() {
        assertThat(VerdictParser.parse("[[B]] and not [[D]]")).contains(PairwiseVerdict.B);
    }

    private static List<Entry> loadCorpus() throws IOException {
        String raw;
        try (InputStream in = VerdictParserTest.class.getResourceAsStream(CORPUS)) {
            assertThat(in).as(CORPUS + " on the class path").isNotNull();
            raw = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<Entry> entries = new ArrayList<>();
        String header = null;
        List<String> body = new ArrayList<>();
        for (String line : raw.split("\n", -1)) {
            Matcher m = HEADER.matcher(line);
            if (m.matches()) {
                if (header != null) {
                    entries.add(entry(header, body));
                }
                header = line;
                body = new ArrayList<>();
            } else if (header != null) {
                body.add(line);
            }
        }
        if (header != null) {
            entries.add(entry(header, body));
        }
        return entries;
    }

    private static Entry entry(String header, List<String> body) {
        Matcher m = HEADER.matcher(header);
        if (!m.matches()) {
            throw new IllegalStateException(header);
        }
        List<String> options = m.group(2) == null ? List.of() : Arrays.asList(m.group(2).split(" \\| "));
        String name = options.isEmpty() ? header : options.get(options.size() - 1);
        String text = String.join("\n", body);
        if (options.contains("crlf")) {
            text = text.replace("\n", "\r\n");
        }
        Optional<PairwiseVerdict> expected = m.group(1).equals("NONE")
                ? Optional.empty() : Optional.of(PairwiseVerdict.valueOf(m.group(1)));
        return new Entry(name, expected, text);
    }
}
