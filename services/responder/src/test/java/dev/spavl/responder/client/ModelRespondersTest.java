package dev.spavl.responder.client;

import dev.spavl.responder.catalog.ModelCatalog;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The start-up check of the @Responds beans against the catalog: every mistake is named with what to change. */
class ModelRespondersTest {

    private static final ModelCatalog CATALOG = ModelCatalog.load(Optional.empty(), Map.of(
            "spavl.models.mine.provider", "custom",
            "spavl.models.theirs.provider", "custom"));

    @Test
    void oneBeanPerCustomModelIsFine() {
        assertThat(ModelResponders.problems(List.of(new ModelResponders.Declared("a.Mine", "mine"),
                new ModelResponders.Declared("a.Theirs", "theirs")), CATALOG)).isEmpty();
        assertThat(ModelResponders.problems(List.of(), CATALOG)).as("a custom model nobody hosts here needs no bean").isEmpty();
    }

    @Test
    void everyMistakeIsReportedAtOnce() {
        List<String> problems = ModelResponders.problems(List.of(
                new ModelResponders.Declared("a.Anonymous", null),
                new ModelResponders.Declared("a.Mine", "mine"),
                new ModelResponders.Declared("a.MineToo", "mine"),
                new ModelResponders.Declared("a.Typo", "mien"),
                new ModelResponders.Declared("a.Otter", "otter")), CATALOG);

        assertThat(problems).hasSize(4);
        assertThat(problems.get(0)).contains("a.Anonymous", "@Responds(\"<model id>\")");
        assertThat(problems.get(1)).contains("two ModelResponder beans", "'mine'", "a.Mine", "a.MineToo");
        assertThat(problems.get(2)).contains("a.Typo", "'mien'", "catalog does not have", "spavl.models.mien.provider=custom");
        assertThat(problems.get(3)).contains("a.Otter", "provider simulated", "spavl.models.otter.provider=custom");
    }
}
