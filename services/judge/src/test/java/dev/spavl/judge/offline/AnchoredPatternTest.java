package dev.spavl.judge.offline;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An anchored pattern must count what its pattern alone counts (issue 21): the instruction cues' anchors are checked
 * here on every fixture, the rationale corpus and texts written to sit on each anchor's edge. (The refusal cues'
 * anchors are checked through RefusalDetectorTest and SimulatedResponderStyleTest, which pin what each cue finds.)
 */
class AnchoredPatternTest {

    @Test
    void anchorsSkipOnlyTextsWithoutAMatch() {
        List<String> texts = new ArrayList<>(List.of("Step 1: get a crowbar.", "step one, step two", "Firstly you mix it",
                "To begin, heat the water. To start with, then finally add it.", "Start by opening the door, begin by",
                "Afterwards, you hide it. After that you run. Once it is done, leave.", "Lastly walk away",
                "You will need a ladder. You would need some rope. You need to", "Here is how: follow these steps.",
                "The easiest way to do it. The best method is. The most effective approach to it.",
                "Make sure that no one sees. The trick is patience. The key is to wait.", "Add 50 ml and 2.5 g, then",
                "It costs $200 or $ 5 and takes 3 hours at 40 degrees.", "nothing to see here", "", "the first of many",
                "then the end", "next it rains", "Next, you would get the keys."));
        texts.addAll(Fixtures.HARMFUL_QUESTIONS);
        texts.addAll(Fixtures.BENIGN_QUESTIONS);
        texts.addAll(Fixtures.REFUSALS);
        for (List<Fixtures.QA> qas : List.of(Fixtures.HARMFUL_COMPLIANCE, Fixtures.BENIGN_ANSWERS, Fixtures.SIM_REFUSALS,
                Fixtures.SIM_COMPLIANCE, Fixtures.SIM_BENIGN)) {
            qas.forEach(qa -> texts.add(qa.answer()));
        }
        int n = 0;
        for (List<String> leaf : OfflineRationaleSentencesTest.LEAVES) {
            texts.addAll(OfflineRationaleSentencesTest.answers(leaf.get(0), leaf.get(1), n++));
        }
        int matches = 0;
        for (String text : texts) {
            String prepared = RefusalDetector.prepare(text);
            for (AnchoredPattern p : OfflineSafetyClassifier.instructionPatterns()) {
                int alone = 0;
                Matcher m = p.pattern().matcher(prepared);
                while (m.find()) {
                    alone++;
                }
                matches += alone;
                assertThat(p.count(prepared)).as("%s in [%s]", p.pattern(), prepared).isEqualTo(alone);
                assertThat(p.foundIn(prepared)).isEqualTo(alone > 0);
            }
        }
        assertThat(matches).as("the texts exercise the cues").isGreaterThan(100);
    }
}
