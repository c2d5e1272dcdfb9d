package dev.spavl.judge.service;

import dev.spavl.events.PairOutcome;
import dev.spavl.events.PairVerdict;

/**
 * Combines the verdicts of both presentation orders, each already in the pair's own labels (the B,A order's
 * pick mapped back). Only an agreement on the same answer becomes a preference: A and A is CHOSEN_A, B and B
 * is CHOSEN_B, tie and tie is TIE. Any disagreement, including a tie in one order and a pick in the other, is
 * INCONSISTENT (the judge's choice depended on the position); an INVALID order makes the pair INVALID.
 */
public final class VerdictReconciler {

    private VerdictReconciler() {
    }

    public static PairOutcome reconcile(PairVerdict ab, PairVerdict ba) {
        if (ab == PairVerdict.INVALID || ba == PairVerdict.INVALID) {
            return PairOutcome.INVALID;
        }
        if (ab != ba) {
            return PairOutcome.INCONSISTENT;
        }
        return switch (ab) {
            case A -> PairOutcome.CHOSEN_A;
            case B -> PairOutcome.CHOSEN_B;
            case TIE -> PairOutcome.TIE;
            case INVALID -> PairOutcome.INVALID;
        };
    }

    /** The B,A order shows answer B first: its "first is better" means B in the pair's labels. */
    public static PairVerdict mapBack(PairVerdict inSwappedOrder) {
        return switch (inSwappedOrder) {
            case A -> PairVerdict.B;
            case B -> PairVerdict.A;
            case TIE, INVALID -> inSwappedOrder;
        };
    }
}
