package dev.spavl.judge.service;

import dev.spavl.events.PairOutcome;
import dev.spavl.events.PairVerdict;
import org.junit.jupiter.api.Test;

import static dev.spavl.judge.service.VerdictReconciler.mapBack;
import static dev.spavl.judge.service.VerdictReconciler.reconcile;
import static org.assertj.core.api.Assertions.assertThat;

class VerdictReconcilerTest {

    @Test
    void agreementInBothOrdersIsAPreference() {
        assertThat(reconcile(PairVerdict.A, PairVerdict.A)).isEqualTo(PairOutcome.CHOSEN_A);
        assertThat(reconcile(PairVerdict.B, PairVerdict.B)).isEqualTo(PairOutcome.CHOSEN_B);
        assertThat(reconcile(PairVerdict.TIE, PairVerdict.TIE)).isEqualTo(PairOutcome.TIE);
    }

    @Test
    void disagreementIsInconsistent() {
        assertThat(reconcile(PairVerdict.A, PairVerdict.B)).isEqualTo(PairOutcome.INCONSISTENT);
        assertThat(reconcile(PairVerdict.B, PairVerdict.A)).isEqualTo(PairOutcome.INCONSISTENT);
        assertThat(reconcile(PairVerdict.A, PairVerdict.TIE)).isEqualTo(PairOutcome.INCONSISTENT);
        assertThat(reconcile(PairVerdict.TIE, PairVerdict.B)).isEqualTo(PairOutcome.INCONSISTENT);
    }

    @Test
    void anInvalidOrderMakesThePairInvalid() {
        for (PairVerdict v : PairVerdict.values()) {
            assertThat(reconcile(PairVerdict.INVALID, v)).isEqualTo(PairOutcome.INVALID);
            assertThat(reconcile(v, PairVerdict.INVALID)).isEqualTo(PairOutcome.INVALID);
        }
    }

    @Test
    void theSwappedOrderIsMappedBackToThePairsLabels() {
        // the judge saw B first and called it better: "A" in its labels is B in the pair's
        assertThat(mapBack(PairVerdict.A)).isEqualTo(PairVerdict.B);
        assertThat(mapBack(PairVerdict.B)).isEqualTo(PairVerdict.A);
        assertThat(mapBack(PairVerdict.TIE)).isEqualTo(PairVerdict.TIE);
        assertThat(mapBack(PairVerdict.INVALID)).isEqualTo(PairVerdict.INVALID);
        // a position-biased judge that always says "first" is inconsistent
        assertThat(reconcile(PairVerdict.A, mapBack(PairVerdict.A))).isEqualTo(PairOutcome.INCONSISTENT);
    }
}
