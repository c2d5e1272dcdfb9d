package dev.spavl.generator.mapping;

import dev.spavl.events.FanOutMode;
import dev.spavl.events.QuestionType;
import dev.spavl.events.RunRequested;
import dev.spavl.events.SourceKind;
import dev.spavl.generator.rest.RunRequestBody;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RunRequestMapperTest {

    private final RunRequestMapper mapper = new RunRequestMapper(() -> 99L);
    private final Instant now = Instant.parse("2026-11-26T08:00:00Z");

    @Test
    void defaultsFollowThePaper() {
        RunRequested e = mapper.map(body("/data/train", null, null, null, null), "run-1", now).event();
        assertThat(e.getSourceKind()).isEqualTo(SourceKind.FOLDER_TREE);
        assertThat(e.getFanOut()).isEqualTo(FanOutMode.ALL);
        assertThat(e.getSampleSize()).isNull();
        assertThat(e.getQuestionTypes()).containsExactly(QuestionType.values());
        assertThat(e.getSeed()).as("random seed is drawn and recorded").isEqualTo(99L);
        assertThat(e.getTargets()).isEmpty();
        assertThat(e.getEventId()).startsWith("evt-");
        assertThat(e.getRequestedAt()).isEqualTo(now);
    }

    @Test
    void sampleFanOutAndAliasesAreParsed() {
        RunRequested e = mapper.map(body("m.jsonl", "sample:3", 5L, List.of("easy", "HARD_STATEMENT"), null), "run-1", now).event();
        assertThat(e.getSourceKind()).isEqualTo(SourceKind.MANIFEST_JSONL);
        assertThat(e.getFanOut()).isEqualTo(FanOutMode.SAMPLE);
        assertThat(e.getSampleSize()).isEqualTo(3);
        assertThat(e.getSeed()).isEqualTo(5L);
        assertThat(e.getQuestionTypes()).containsExactly(QuestionType.EASY_QUESTION, QuestionType.HARD_STATEMENT);
    }

    @Test
    void csvManifestIsRecognised() {
        assertThat(mapper.map(body("https://x/y/manifest.CSV", null, null, null, null), "r", now).event().getSourceKind())
                .isEqualTo(SourceKind.MANIFEST_CSV);
    }

    @Test
    void everyProblemIsReportedWithItsField() {
        RunRequestMapper.Result r = mapper.map(
                new RunRequestBody(" ", "ZIP", "some", null, List.of("medium"), List.of("Bad Id"), 0, null), "r", now);
        assertThat(r.valid()).isFalse();
        assertThat(r.event()).isNull();
        assertThat(r.problems()).extracting(RunRequestMapper.Problem::field)
                .containsExactlyInAnyOrder("source", "sourceKind", "fanOut", "questionTypes", "targets", "limit");
    }

    @Test
    void sampleCannotExceedTheTargetsGiven() {
        RunRequestMapper.Result r = mapper.map(
                new RunRequestBody("/d", null, "sample:4", 1L, null, List.of("otter", "lamm"), null, null), "r", now);
        assertThat(r.problems()).singleElement().satisfies(p -> {
            assertThat(p.field()).isEqualTo("fanOut");
            assertThat(p.reason()).contains("2 targets");
        });
    }

    @Test
    void sampleOfZeroIsRefused() {
        assertThat(mapper.map(body("/d", "sample:0", null, null, null), "r", now).problems())
                .extracting(RunRequestMapper.Problem::reason).anyMatch(s -> s.contains("at least 1"));
    }

    @Test
    void missingBodyIsAProblemNotACrash() {
        assertThat(mapper.map(null, "r", now).problems()).extracting(RunRequestMapper.Problem::field).containsExactly("body");
    }

    @Test
    void theFingerprintIsTheBodysOwn() {
        String one = RunRequestMapper.fingerprint(body("/data/a.jsonl", null, 1L, List.of("easy"), null));
        assertThat(one).hasSize(64).isEqualTo(RunRequestMapper.fingerprint(body("/data/a.jsonl", null, 1L, List.of("easy"), null)));
        assertThat(RunRequestMapper.fingerprint(body("/data/b.jsonl", null, 1L, List.of("easy"), null))).isNotEqualTo(one);
        assertThat(RunRequestMapper.fingerprint(body("/data/a.jsonl", null, 2L, List.of("easy"), null))).isNotEqualTo(one);
        assertThat(RunRequestMapper.fingerprint(body("/data/a.jsonl", null, 1L, List.of("easy"), List.of("lamm")))).isNotEqualTo(one);
        assertThat(RunRequestMapper.fingerprint(null)).hasSize(64);
    }

    private static RunRequestBody body(String source, String fanOut, Long seed, List<String> types, List<String> targets) {
        return new RunRequestBody(source, null, fanOut, seed, types, targets, null, null);
    }
}
