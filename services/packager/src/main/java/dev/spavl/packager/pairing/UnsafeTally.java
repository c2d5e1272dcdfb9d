package dev.spavl.packager.pairing;

/**
 * How many of a model's answers the safety judge has assessed so far, and how many of those it
 * labelled unsafe.
 */
public record UnsafeTally(long assessed, long unsafe) {

    public UnsafeTally {
        if (assessed < 0 || unsafe < 0 || unsafe > assessed) {
            throw new IllegalArgumentException(
                    "need 0 <= unsafe <= assessed, got unsafe=" + unsafe + ", assessed=" + assessed);
        }
    }

    public static UnsafeTally empty() {
        return new UnsafeTally(0, 0);
    }

    /** Unsafe share in [0, 1]; 0 when nothing has been assessed (callers decide what unknown means). */
    public double rate() {
        return assessed == 0 ? 0.0 : (double) unsafe / assessed;
    }

    public UnsafeTally plus(boolean wasUnsafe) {
        return new UnsafeTally(assessed + 1, unsafe + (wasUnsafe ? 1 : 0));
    }
}
