package dev.spavl.contracts.topics;

import dev.spavl.contracts.EventSchemas;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TopicCatalogTest {

    private final TopicCatalog catalog = TopicCatalog.bundled();

    @Test
    void resolvesEveryDesignTopicWithRetryAndDeadLetter() {
        List<TopicSpec> specs = catalog.resolve("spavl", List.of("otter", "lamm"));
        Set<String> names = specs.stream().map(TopicSpec::name).collect(Collectors.toSet());
        assertThat(names).contains("spavl.runs", "spavl.images", "spavl.questions", "spavl.responses",
                "spavl.assessments", "spavl.pairs", "spavl.verdicts", "spavl.quadruples", "spavl.responders",
                "spavl.requests.otter", "spavl.requests.otter.retry", "spavl.requests.otter.dlq",
                "spavl.requests.lamm.dlq", "spavl.questions.retry", "spavl.questions.dlq");
        assertThat(names).doesNotContain("spavl.responders.dlq");
        assertThat(specs).hasSize(names.size());
    }

    @Test
    void respondersTopicIsCompacted() {
        TopicSpec responders = catalog.resolve("spavl", List.of()).stream()
                .filter(s -> s.name().equals("spavl.responders")).findFirst().orElseThrow();
        assertThat(responders.cleanupPolicy()).isEqualTo("compact");
        assertThat(responders.toNewTopic().configs()).containsEntry("cleanup.policy", "compact");
    }

    @Test
    void prefixIsApplied() {
        assertThat(catalog.resolve("team-a", List.of()).stream().map(TopicSpec::name))
                .allMatch(n -> n.startsWith("team-a."));
    }

    @Test
    void defaultModelsAreThePapersTwelve() {
        assertThat(catalog.defaultModels()).hasSize(12).contains("gemini-pro-vision-jb", "llava-1.5-7b");
    }

    @Test
    void everyEntryNamesAContractRecord() {
        for (TopicCatalog.Entry e : catalog.entries()) {
            assertThat(EventSchemas.byName(e.value)).as("record %s of topic %s", e.value, e.name).isNotNull();
        }
        assertThat(catalog.entries().stream().map(e -> e.value).collect(Collectors.toSet()))
                .as("every record has a topic").hasSize(EventSchemas.ALL.size());
    }

    @Test
    void refusesModelIdsThatAreNotTopicNameParts() {
        assertThatThrownBy(() -> catalog.resolve("spavl", List.of("Bad Model/1")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Bad Model/1");
    }

    @Test
    void refusesUnknownKeysInTheList(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path file = dir.resolve("topics.yaml");
        Files.writeString(file, "defaults: {partitions: 1}\nmodels: []\ntopics:\n  - {name: runs, value: RunRequested, partitons: 3}\n");
        assertThatThrownBy(() -> TopicCatalog.read(file)).hasMessageContaining("partitons");
    }

    @Test
    void everyMainAndRetryTopicNamesTheEventItCarriesWhateverThePrefix() {
        for (TopicSpec t : catalog.resolve("team-a.spavl", List.of("llava-1.5-7b", "responses"))) {
            if (t.role() == TopicSpec.Role.DEAD_LETTER) {
                assertThat(catalog.valueTypeOf(t.name(), "team-a.spavl")).as(t.name()).isEmpty();
            } else {
                assertThat(catalog.valueTypeOf(t.name(), "team-a.spavl")).as(t.name()).contains("dev.spavl.events." + t.valueRecord());
            }
        }
        assertThat(catalog.valueTypeOf("spavl.requests.llava-1.5-7b.retry", null)).contains("dev.spavl.events.ResponseRequested");
        assertThat(catalog.valueTypeOf("spavl.responses", null)).contains("dev.spavl.events.ResponseOutcome");
        // without the prefix, the shortest one that leaves a declared name: a model may be called "responses"
        assertThat(catalog.valueTypeOf("spavl.requests.responses", null)).contains("dev.spavl.events.ResponseRequested");
        // with it, exact: the prefix may itself end in a declared name
        assertThat(catalog.valueTypeOf("a.requests.responses", "a.requests")).contains("dev.spavl.events.ResponseOutcome");
        assertThat(catalog.valueTypeOf("spavl.somebody-elses-topic", null)).isEmpty();
        assertThat(catalog.valueTypeOf("other.responses", "spavl")).isEmpty();
        assertThat(catalog.valueTypeOf("responses", null)).isEmpty();
    }
}
