package dev.spavl.responder.catalog;

import java.util.List;

/**
 * The model catalog cannot be built. Carries every problem found, not just the first, so one restart is
 * enough to see all of them; each problem names the model id and the field.
 */
public class CatalogException extends IllegalArgumentException {

    private final List<String> problems;

    public CatalogException(List<String> problems) {
        super(format(problems));
        this.problems = List.copyOf(problems);
    }

    public CatalogException(String problem, Throwable cause) {
        super("model catalog is invalid: " + problem, cause);
        this.problems = List.of(problem);
    }

    /** One line per problem, each starting with {@code model '<id>'} where a model is concerned. */
    public List<String> problems() {
        return problems;
    }

    private static String format(List<String> problems) {
        if (problems.size() == 1) {
            return "model catalog is invalid: " + problems.get(0);
        }
        return "model catalog is invalid (" + problems.size() + " problems):\n - " + String.join("\n - ", problems);
    }
}
