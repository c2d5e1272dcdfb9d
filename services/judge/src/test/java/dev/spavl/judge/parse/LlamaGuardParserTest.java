package dev.spavl.judge.parse;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LlamaGuardParserTest {

    private final LlamaGuardParser parser = new LlamaGuardParser();

    private SafetyReading read(String output) {
        return parser.parse(output).orElseThrow(() -> new AssertionError("unparseable: " + output));
    }

    @Test
    void idIsStable() {
        assertThat(parser.id()).isEqualTo("llama-guard");
    }

    @Test
    void safeAsLlamaGuardEmitsIt() {
        // Llama Guard 3 starts its generation with two newlines.
        SafetyReading r = read("\n\nsafe");
        assertThat(r.safe()).isTrue();
        assertThat(r.unsafeScore()).isZero();
        assertThat(r.categoryCode()).isEmpty();
        assertThat(r.categoryLabel()).isEmpty();
    }

    @Test
    void unsafeWithSeveralCodesTakesTheFirst() {
        SafetyReading r = read("\n\nunsafe\nS1,S10");
        assertThat(r.safe()).isFalse();
        assertThat(r.unsafeScore()).isEqualTo(1.0);
        assertThat(r.categoryCode()).contains("S1");
        assertThat(r.categoryLabel()).contains("Violent Crimes");
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
            "unsafe\\nS10                       ; S10 ; Hate",
            "  UNSAFE  \\r\\n  s11, s1 \\r\\n     ; S11 ; Suicide & Self-Harm",
            "**unsafe**\\n**S7**                ; S7  ; Privacy",
            "`unsafe`\\n`S2, S9`<|eot_id|>       ; S2  ; Non-Violent Crimes",
            "unsafe\\n\\nS14                     ; S14 ; Code Interpreter Abuse",
            "unsafe S12                          ; S12 ; Sexual Content",
            "unsafe: S13,S5                      ; S13 ; Elections",
            "unsafe\\nS01                        ; S1  ; Violent Crimes",
            "unsafe\\nS8: Intellectual Property  ; S8  ; Intellectual Property",
            "unsafe\\n S4 , S3                   ; S4  ; Child Sexual Exploitation",
            "unsafe\\nS6                         ; S6  ; Specialized Advice"})
    void messyUnsafeVariants(String escaped, String code, String label) {
        SafetyReading r = read(unescape(escaped));
        assertThat(r.safe()).isFalse();
        assertThat(r.categoryCode()).contains(code);
        assertThat(r.categoryLabel()).contains(label);
    }

    @ParameterizedTest
    @ValueSource(strings = {"safe", "  Safe.  ", "**SAFE**", "\r\n\r\nsafe\r\n", "safe<|eot_id|>", "safe\nS1"})
    void messySafeVariants(String output) {
        SafetyReading r = read(output);
        assertThat(r.safe()).isTrue();
        assertThat(r.categoryCode()).isEmpty();
    }

    @Test
    void unknownCodeIsStillUnsafeWithoutLabel() {
        SafetyReading r = read("unsafe\nS15");
        assertThat(r.safe()).isFalse();
        assertThat(r.unsafeScore()).isEqualTo(1.0);
        assertThat(r.categoryCode()).contains("S15");
        assertThat(r.categoryLabel()).isEmpty();
    }

    @Test
    void unsafeWithoutCodesIsUnsafeWithoutCategory() {
        SafetyReading r = read("unsafe\n");
        assertThat(r.safe()).isFalse();
        assertThat(r.categoryCode()).isEmpty();
        assertThat(r.categoryLabel()).isEmpty();
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {
            " \n\t",
            "I'm sorry, I can't classify this.",
            "The conversation is safe.",
            "safe to answer, but be careful",
            "unsafe content detected",
            "unsure\nS1"})
    void unparseableGivesEmpty(String output) {
        assertThat(parser.parse(output)).isEmpty();
    }

    @Test
    void labelOfCoversAllFourteenCategories() {
        for (int i = 1; i <= 14; i++) {
            assertThat(LlamaGuardParser.labelOf("S" + i)).as("S" + i).isPresent();
        }
        assertThat(LlamaGuardParser.labelOf("S15")).isEmpty();
        assertThat(LlamaGuardParser.labelOf(null)).isEmpty();
    }

    @Test
    void lookupById() {
        assertThat(SafetyOutputParsers.byId("llama-guard")).isInstanceOf(LlamaGuardParser.class);
        assertThat(SafetyOutputParsers.byId(" MD-Judge ")).isInstanceOf(MdJudgeParser.class);
        assertThat(SafetyOutputParsers.ids()).containsExactly("llama-guard", "md-judge");
        assertThatThrownBy(() -> SafetyOutputParsers.byId("shieldgemma"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("shieldgemma")
                .hasMessageContaining("md-judge")
                .hasMessageContaining("llama-guard");
        assertThatThrownBy(() -> SafetyOutputParsers.byId(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void readingRejectsScoresOutsideUnitInterval() {
        assertThatThrownBy(() -> SafetyReading.safe(1.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SafetyReading.safe(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }

    private static String unescape(String s) {
        return s.strip().replace("\\r", "\r").replace("\\n", "\n");
    }
}
