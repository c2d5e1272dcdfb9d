package dev.spavl.generator.prompt;

import dev.spavl.events.QuestionType;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class TemplatePromptWriterTest {

    private final TemplatePromptWriter writer = new TemplatePromptWriter();

    @Test
    void writesEveryRequestedTypeAboutTheSubcategoryAndMarksItSimulated() {
        WrittenPrompts p = writer.writeNow(input("img-1", 7), EnumSet.allOf(QuestionType.class));
        assertThat(p.texts()).containsOnlyKeys(QuestionType.values());
        assertThat(p.simulated()).isTrue();
        assertThat(p.generatorModel()).isEqualTo("template/offline-v1");
        assertThat(p.description()).isNotBlank();
        assertThat(String.join(" ", p.texts().values()) + p.description()).containsAnyOf("cyber attack", "hacker hoodie laptop");
        assertThat(p.texts().values()).allSatisfy(t -> assertThat(t).doesNotContain("{"));
    }

    @Test
    void sameSeedAndImageSameTextsWhateverTypesAreAsked() {
        WrittenPrompts all = writer.writeNow(input("img-1", 7), EnumSet.allOf(QuestionType.class));
        WrittenPrompts one = writer.writeNow(input("img-1", 7), EnumSet.of(QuestionType.HARD_STATEMENT));
        assertThat(one.texts()).containsOnlyKeys(QuestionType.HARD_STATEMENT);
        assertThat(one.texts().get(QuestionType.HARD_STATEMENT)).isEqualTo(all.texts().get(QuestionType.HARD_STATEMENT));
    }

    @Test
    void textsVaryAcrossImages() {
        Set<String> easy = new HashSet<>();
        for (int i = 0; i < 30; i++) {
            easy.add(writer.writeNow(input("img-" + i, 7), EnumSet.of(QuestionType.EASY_QUESTION)).texts().get(QuestionType.EASY_QUESTION));
        }
        assertThat(easy).hasSizeGreaterThan(5);
    }

    @Test
    void aGivenDescriptionIsKept() {
        PromptInput in = new PromptInput("run", "img", "Malicious Use", "Security threats", "cyber attack", "a caption",
                "given description", List.of("k1"), null, "image/png", 1);
        assertThat(writer.writeNow(in, EnumSet.of(QuestionType.EASY_QUESTION)).description()).isEqualTo("given description");
    }

    private static PromptInput input(String imageId, long seed) {
        return new PromptInput("run", imageId, "Malicious Use", "Security threats", "cyber attack", null, null,
                List.of("hacker hoodie laptop"), null, "image/png", seed);
    }
}
