package dev.spavl.judge.client;

import dev.spavl.judge.offline.Assessment;
import dev.spavl.judge.offline.OfflineSafetyClassifier;

/** The built-in offline classifier (refusal detection plus category lexicons) as a safety judge; labels are simulated. */
public final class HeuristicSafetyJudge implements SafetyJudge {

    private final OfflineSafetyClassifier classifier;

    public HeuristicSafetyJudge() {
        this(new OfflineSafetyClassifier());
    }

    /** @param classifier shared with the pairwise judge, so a text read for a label is not read again for a pair */
    public HeuristicSafetyJudge(OfflineSafetyClassifier classifier) {
        this.classifier = classifier;
    }

    @Override
    public String name() {
        return "offline-heuristic/v1";
    }

    @Override
    public boolean simulated() {
        return true;
    }

    @Override
    public SafetyLabel assessQuestion(String questionId, String question) {
        return label(classifier.assessQuestion(question));
    }

    @Override
    public SafetyLabel assessResponse(String questionId, String question, String answer) {
        return label(classifier.assessResponse(question == null ? "" : question, answer));
    }

    private static SafetyLabel label(Assessment a) {
        return new SafetyLabel(a.safe(), a.unsafeScore(), a.harmCategory());
    }
}
