package dev.spavl.taxonomy;

/**
 * Whether a leaf's names were seen verbatim in the released SPA-VL data ({@link #CONFIRMED}) or
 * are our closest guess from SALAD-Bench ({@link #INFERRED}). Shown to users so nobody mistakes a
 * guessed name for the paper's.
 */
public enum Provenance {
    CONFIRMED,
    /** Also used when only part of the path is inferred (e.g. {@code confirmed-leaf;inferred-class2}). */
    INFERRED
}
