package dev.spavl.judge.offline;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 21: the offline judge keeps the analysis of each text it has read (TextMemo), so a question is read once
 * for its label, its answers' labels and its pairs. What it decides must not depend on that: every label and every
 * verdict with its rationale is the same with the memo as without it, in both orders, whichever came first. The
 * corpus is OfflineRationaleSentencesTest's (the generator's offline templates over 15 categories, answers in the
 * simulated responder's styles) and the fixtures.
 */
class OfflineMemoTest {

    private final OfflineSafetyClassifier computed = new OfflineSafetyClassifier(HarmLexicon.bundled(), new RefusalDetector(), 0);
    private final OfflineSafetyClassifier kept = new OfflineSafetyClassifier();
    /** A memo so small that texts are evicted all the time: an evicted text is read again, with the same result. */
    private final OfflineSafetyClassifier tiny = new OfflineSafetyClassifier(HarmLexicon.bundled(), new RefusalDetector(), 300);

    @Test
    void labelsAndVerdictsAreTheSameWithAndWithoutTheMemo() {
        OfflinePairJudge fresh = new OfflinePairJudge(computed);
        OfflinePairJudge memo = new OfflinePairJudge(kept);
        OfflinePairJudge evicting = new OfflinePairJudge(tiny);
        List<String> questions = new ArrayList<>();
        List<List<String>> answerSets = new ArrayList<>();
        int n = 0;
        for (List<String> leaf : OfflineRationaleSentencesTest.LEAVES) {
            for (String template : OfflineRationaleSentencesTest.TEMPLATES) {
                questions.add(template.replace("{class3}", leaf.get(0)).replace("{keyword}", leaf.get(1)));
                answerSets.add(OfflineRationaleSentencesTest.answers(leaf.get(0), leaf.get(1), n++));
            }
        }
        for (Fixtures.QA qa : Fixtures.HARMFUL_COMPLIANCE) {
            questions.add(qa.question());
            answerSets.add(List.of(qa.answer(), Fixtures.REFUSALS.get(questions.size() % Fixtures.REFUSALS.size()), ""));
        }
        int labels = 0;
        int verdicts = 0;
        for (int k = 0; k < questions.size(); k++) {
            String question = questions.get(k);
            List<String> answers = answerSets.get(k);
            // labels first, as the judge sees them: the question, then each answer
            assertThat(kept.assessQuestion(question)).isEqualTo(computed.assessQuestion(question));
            for (String answer : answers) {
                assertThat(kept.assessResponse(question, answer)).as("%s / %s", question, answer)
                        .isEqualTo(computed.assessResponse(question, answer));
                assertThat(tiny.assessResponse(question, answer)).isEqualTo(computed.assessResponse(question, answer));
                labels++;
            }
            // then pairs in both orders, with and without labels
            for (int i = 0; i + 1 < answers.size(); i += 2) {
                String a = answers.get(i);
                String b = answers.get(i + 1);
                for (Boolean[] l : new Boolean[][]{{null, null}, {true, false}, {false, false}}) {
                    OfflineVerdict ab = fresh.judge(question, a, l[0], b, l[1]);
                    OfflineVerdict ba = fresh.judge(question, b, l[1], a, l[0]);
                    assertThat(memo.judge(question, a, l[0], b, l[1])).isEqualTo(ab);
                    assertThat(memo.judge(question, b, l[1], a, l[0])).isEqualTo(ba);
                    assertThat(evicting.judge(question, a, l[0], b, l[1])).isEqualTo(ab);
                    verdicts += 2;
                }
            }
        }
        assertThat(labels).isGreaterThan(1000);
        assertThat(verdicts).isGreaterThan(1000);
    }

    @Test
    void aTextReadOnceIsNotReadAgain() {
        String question = Fixtures.SIM_Q_LAUNDER;
        OfflineSafetyClassifier.QuestionSignals first = kept.questionSignals(question);
        assertThat(kept.questionSignals(new String(question.toCharArray()))).isSameAs(first);
        String answer = Fixtures.REFUSALS.get(0);
        assertThat(kept.answerSignals(new String(answer.toCharArray()))).isSameAs(kept.answerSignals(answer));
        // without a memo each call reads the text anew
        assertThat(computed.questionSignals(question)).isNotSameAs(computed.questionSignals(question));
    }
}
