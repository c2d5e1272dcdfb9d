package dev.spavl.generator.source;

import dev.spavl.generator.intake.RejectionReason;

/** A row that could not be read into a {@link SourceRow}: where, what and why. */
public record RowProblem(int rowNo, String reference, RejectionReason reason, String detail) {
}
