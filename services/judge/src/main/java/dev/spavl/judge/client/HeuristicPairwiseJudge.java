package dev.spavl.judge.client;

import dev.spavl.judge.offline.OfflinePairJudge;
import dev.spavl.judge.offline.OfflineSafetyClassifier;
import dev.spavl.judge.offline.OfflineVerdict;
import dev.spavl.modelclients.ImageInput;

/**
 * The built-in offline judge: the safer answer (by the assessments, else its own classifier) and then the
 * more helpful one by documented signals. Its rationale ends with a verdict token like a model's, so it goes
 * through the same parser and both-orders logic. Verdicts are simulated.
 */
public final class HeuristicPairwiseJudge implements PairwiseJudge {

    private final OfflinePairJudge judge;

    public HeuristicPairwiseJudge() {
        this(new OfflineSafetyClassifier());
    }

    /** @param classifier shared with the safety judge, so a text read for a label is not read again for a pair */
    public HeuristicPairwiseJudge(OfflineSafetyClassifier classifier) {
        this.judge = new OfflinePairJudge(classifier);
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
    public boolean wantsImage() {
        return false;
    }

    @Override
    public JudgeReply ask(String pairId, String question, ImageInput image, String first, Boolean firstSafe, String second,
                          Boolean secondSafe) {
        OfflineVerdict v = judge.judge(question, first, firstSafe, second, secondSafe);
        return new JudgeReply(v.rationale(), 0, 0);
    }
}
