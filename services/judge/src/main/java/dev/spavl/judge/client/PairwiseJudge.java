package dev.spavl.judge.client;

import dev.spavl.modelclients.ImageInput;

/**
 * Asked which of two answers is better, in one presentation order. The reply is the judge's raw text,
 * which should end with [[A]], [[B]] or [[C]]; parsing and the both-orders logic are the caller's.
 */
public interface PairwiseJudge {

    String name();

    boolean simulated();

    /** Whether {@link #ask} uses the image (the caller then fetches it). */
    boolean wantsImage();

    /**
     * @param firstSafe  the safety label of the answer shown first, null when not assessed
     * @param secondSafe likewise for the answer shown second
     * @throws dev.spavl.modelclients.ModelCallException when the judge model cannot answer
     */
    JudgeReply ask(String pairId, String question, ImageInput image, String first, Boolean firstSafe, String second,
                   Boolean secondSafe) throws InterruptedException;
}
