package dev.spavl.contracts.topics;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TopicNamesTest {

    @Test
    void namesAreMadeAndReadBack() {
        assertThat(TopicNames.of("spavl", "responses")).isEqualTo("spavl.responses");
        String requests = TopicNames.requests("spavl", "llava-1.5-7b");
        assertThat(requests).isEqualTo("spavl.requests.llava-1.5-7b");
        assertThat(TopicNames.retryOf(requests)).isEqualTo("spavl.requests.llava-1.5-7b.retry");
        assertThat(TopicNames.deadLetterOf(requests)).isEqualTo("spavl.requests.llava-1.5-7b.dlq");
        assertThat(TopicNames.mainOf(TopicNames.retryOf(requests))).isEqualTo(requests);
        assertThat(TopicNames.mainOf(TopicNames.deadLetterOf(requests))).isEqualTo(requests);
        assertThat(TopicNames.mainOf(requests)).isEqualTo(requests);
    }

    @Test
    void theModelOfARequestTopicOnly() {
        assertThat(TopicNames.modelOfRequests("spavl", "spavl.requests.otter")).contains("otter");
        // a model may be named like a topic of the list
        assertThat(TopicNames.modelOfRequests("spavl", "spavl.requests.responses")).contains("responses");
        for (String other : List.of("spavl.requests.otter.retry", "spavl.requests.otter.dlq", "spavl.requests.",
                "spavl.responses", "other.requests.otter", "spavlx.requests.otter")) {
            assertThat(TopicNames.modelOfRequests("spavl", other)).as(other).isEmpty();
        }
    }

    @Test
    void deadLetterTopicsOfAPrefix() {
        assertThat(TopicNames.isDeadLetterOf("spavl", "spavl.pairs.dlq")).isTrue();
        assertThat(TopicNames.isDeadLetterOf("spavl", "spavl.dlq")).isFalse();
        assertThat(TopicNames.isDeadLetterOf("spavl", "spavl..dlq")).isFalse();
        assertThat(TopicNames.isDeadLetterOf("spavl", "other.pairs.dlq")).isFalse();
        assertThat(TopicNames.isDeadLetterOf("spavl", "spavl.pairs")).isFalse();
    }

    @Test
    void theCatalogMakesTheSameNames() {
        List<TopicSpec> specs = TopicCatalog.bundled().resolve("spavl", List.of("otter"));
        assertThat(specs).extracting(TopicSpec::name).contains(TopicNames.requests("spavl", "otter"),
                TopicNames.retryOf(TopicNames.requests("spavl", "otter")),
                TopicNames.deadLetterOf(TopicNames.of("spavl", "responses")));
        specs.stream().filter(s -> s.role() == TopicSpec.Role.RETRY)
                .forEach(s -> assertThat(TopicNames.isRetry(s.name())).as(s.name()).isTrue());
        specs.stream().filter(s -> s.role() == TopicSpec.Role.DEAD_LETTER)
                .forEach(s -> assertThat(TopicNames.isDeadLetterOf("spavl", s.name())).as(s.name()).isTrue());
    }
}
