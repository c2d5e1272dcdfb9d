package dev.spavl.generator.source;

import java.util.List;

/** Everything read from a run's input: good rows and the rows rejected while reading. */
public record SourceListing(List<SourceRow> rows, List<RowProblem> problems) {
}
