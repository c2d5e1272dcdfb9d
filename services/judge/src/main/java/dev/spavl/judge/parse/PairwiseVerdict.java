package dev.spavl.judge.parse;

/** Outcome of one pairwise comparison as stated by the judge. */
public enum PairwiseVerdict {
    /** The judge prefers response A ({@code [[A]]}). */
    A,
    /** The judge prefers response B ({@code [[B]]}). */
    B,
    /** The judge sees no winner ({@code [[C]]}). */
    TIE
}
