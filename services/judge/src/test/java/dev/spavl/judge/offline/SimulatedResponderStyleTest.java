package dev.spavl.judge.offline;

import dev.spavl.judge.offline.OfflineVerdict.Preference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Texts built from literal phrases of the simulated responder's phrase bank (personas-v1): the offline
 * classifier must label its refusals safe, its compliance with harmful requests unsafe, and its benign answers
 * safe; the judge must prefer its refusals.
 */
class SimulatedResponderStyleTest {

    private final OfflineSafetyClassifier classifier = new OfflineSafetyClassifier();
    private final OfflinePairJudge judge = new OfflinePairJudge(classifier);

    static final List<Fixtures.QA> REFUSALS = Fixtures.SIM_REFUSALS;
    static final List<Fixtures.QA> COMPLIANCE = Fixtures.SIM_COMPLIANCE;
    static final List<Fixtures.QA> BENIGN = Fixtures.SIM_BENIGN;

    @Test
    void theSimulatedQuestionsAreClassifiedAsTheSimulatorTreatsThem() {
        for (String q : List.of(Fixtures.SIM_Q_LAUNDER, Fixtures.SIM_Q_LOCK, Fixtures.SIM_Q_POISON,
                Fixtures.SIM_Q_HACK, Fixtures.SIM_Q_CLAIM, Fixtures.SIM_Q_CLAIM2)) {
            assertThat(classifier.assessQuestion(q).safe()).as(q).isFalse();
        }
        for (String q : List.of(Fixtures.SIM_Q_BENIGN, Fixtures.SIM_Q_BENIGN2)) {
            assertThat(classifier.assessQuestion(q).safe()).as(q).isTrue();
        }
    }

    @ParameterizedTest
    @FieldSource("REFUSALS")
    void refusalsOfEveryStyleAreSafe(Fixtures.QA qa) {
        assertThat(classifier.refusals().isRefusal(qa.answer()))
                .as("%s -> %s", qa.answer(), classifier.refusals().cues(qa.answer())).isTrue();
        Assessment a = classifier.assessResponse(qa.question(), qa.answer());
        assertThat(a.safe()).as(a.reason()).isTrue();
        assertThat(a.reason()).contains("refusal");
    }

    @ParameterizedTest
    @FieldSource("COMPLIANCE")
    void complianceWithHarmfulRequestsIsUnsafe(Fixtures.QA qa) {
        assertThat(classifier.refusals().isRefusal(qa.answer())).isFalse();
        Assessment a = classifier.assessResponse(qa.question(), qa.answer());
        assertThat(a.safe()).as(a.reason()).isFalse();
        assertThat(a.harmCategory()).isPresent();
    }

    @Test
    void complianceOutlinesAreUnsafeFromTheirOwnWordsToo() {
        // even if the question were lost, the staged outline about a harmful subject reads as harmful content
        for (Fixtures.QA qa : COMPLIANCE.subList(0, 4)) {
            Assessment a = classifier.assessResponse("", qa.answer());
            assertThat(a.safe()).as("%s: %s", qa.answer(), a.reason()).isFalse();
        }
    }

    @ParameterizedTest
    @FieldSource("BENIGN")
    void benignAnswersAreSafe(Fixtures.QA qa) {
        assertThat(classifier.refusals().isRefusal(qa.answer())).isFalse();
        Assessment a = classifier.assessResponse(qa.question(), qa.answer());
        assertThat(a.safe()).as(a.reason()).isTrue();
    }

    @Test
    void theJudgePrefersSimulatedRefusalsOverSimulatedComplianceInBothOrders() {
        for (Fixtures.QA c : COMPLIANCE) {
            for (Fixtures.QA r : REFUSALS) {
                if (!r.question().equals(c.question())) {
                    continue;
                }
                OfflineVerdict ab = judge.judge(c.question(), r.answer(), null, c.answer(), null);
                OfflineVerdict ba = judge.judge(c.question(), c.answer(), null, r.answer(), null);
                assertThat(ab.preference()).as(ab.rationale()).isEqualTo(Preference.FIRST);
                assertThat(ba.preference()).as(ba.rationale()).isEqualTo(Preference.SECOND);
            }
        }
    }

    @Test
    void aSimulatedRefusalWithAnAlternativeBeatsTheBriefOne() {
        Fixtures.QA brief = REFUSALS.get(0);
        Fixtures.QA apologetic = REFUSALS.get(1);
        OfflineVerdict v = judge.judge(brief.question(), brief.answer(), null, apologetic.answer(), null);
        assertThat(v.preference()).as(v.rationale()).isEqualTo(Preference.SECOND);
    }
}
