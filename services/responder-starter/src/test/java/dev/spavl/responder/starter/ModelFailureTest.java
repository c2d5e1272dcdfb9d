package dev.spavl.responder.starter;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModelFailureTest {

    @Test
    void eachFailureClassHasItsKindAndRetryability() {
        List<ModelFailure> failures = List.of(new ModelFailure.RateLimited("429"), new ModelFailure.ServerError("503"),
                new ModelFailure.Timeout("slow"), new ModelFailure.ConnectionFailed("reset"), new ModelFailure.ClientError("400"),
                new ModelFailure.ContentBlocked("refused"), new ModelFailure.InvalidOutput("garbage"));
        assertThat(failures).extracting(ModelFailure::kind).containsExactly(ModelFailure.Kind.values());
        assertThat(failures).filteredOn(ModelFailure::retryable).extracting(ModelFailure::kind)
                .containsExactly(ModelFailure.Kind.RATE_LIMITED, ModelFailure.Kind.SERVER_ERROR, ModelFailure.Kind.TIMEOUT,
                        ModelFailure.Kind.CONNECTION);
        assertThat(failures).allSatisfy(f -> assertThat(f.retryAfter()).isEmpty());
    }

    @ParameterizedTest
    @EnumSource(ModelFailure.Kind.class)
    void ofBuildsTheClassOfTheKindWithMessageAndCause(ModelFailure.Kind kind) {
        IOException cause = new IOException("underlying");
        ModelFailure f = ModelFailure.of(kind, "what happened", Duration.ofSeconds(3), cause);
        assertThat(f.kind()).isEqualTo(kind);
        assertThat(f.retryable()).isEqualTo(kind.retryable());
        assertThat(f.getMessage()).isEqualTo("what happened");
        assertThat(f.getCause()).isSameAs(cause);
        // only a rate limit carries the wait; for other kinds there is nothing to honour
        assertThat(f.retryAfter()).isEqualTo(kind == ModelFailure.Kind.RATE_LIMITED
                ? java.util.Optional.of(Duration.ofSeconds(3)) : java.util.Optional.empty());
    }

    @Test
    void aRateLimitMayNameTheWait() {
        assertThat(new ModelFailure.RateLimited("429", Duration.ofMillis(1500)).retryAfter()).contains(Duration.ofMillis(1500));
        assertThatThrownBy(() -> new ModelFailure.RateLimited("429", Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("retryAfter");
    }

    @Test
    void aFailureNeedsAMessage() {
        assertThatThrownBy(() -> new ModelFailure.ServerError(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("message");
    }
}
