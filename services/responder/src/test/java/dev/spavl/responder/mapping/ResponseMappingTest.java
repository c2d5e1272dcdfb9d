package dev.spavl.responder.mapping;

import dev.spavl.contracts.ids.Ids;
import dev.spavl.events.ErrorKind;
import dev.spavl.events.QuestionType;
import dev.spavl.events.ResponseOutcome;
import dev.spavl.events.ResponseRequested;
import dev.spavl.events.ResponseStatus;
import dev.spavl.responder.catalog.ModelCatalog;
import dev.spavl.responder.catalog.ModelSpec;
import dev.spavl.responder.starter.Answer;
import dev.spavl.responder.starter.ModelFailure;
import dev.spavl.responder.starter.Question;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class ResponseMappingTest {

    private static final ModelSpec PRICED = ModelCatalog.load(Optional.empty(), Map.of(
            "spavl.models.mine.provider", "custom",
            "spavl.models.mine.price.input-per-1k", "0.003",
            "spavl.models.mine.price.output-per-1k", "0.015")).require("mine");
    private static final ModelSpec PERSONA = ModelCatalog.bundled().require("otter");

    private static ResponseRequested request(QuestionType type) {
        return ResponseRequested.newBuilder().setEventId("evt-1").setRunId("run-1").setOccurredAt(Instant.EPOCH)
                .setQuestionId("q-0123").setModelId("mine").setType(type).setText("What is shown?")
                .setImageUri("file:///b/sha256/ab/cd/abcd").setImageSha256("abcd").setAttempt(1).build();
    }

    @Test
    void everyQuestionTypeOfTheContractHasOneInTheApi() {
        for (QuestionType type : QuestionType.values()) {
            Question q = ResponseMapping.question(request(type), 3);
            assertThat(q.type().name()).isEqualTo(type.name());
            assertThat(q).extracting(Question::id, Question::runId, Question::text, Question::attempt)
                    .containsExactly("q-0123", "run-1", "What is shown?", 3);
        }
        assertThat(Question.Type.values()).hasSameSizeAs(QuestionType.values());
    }

    @Test
    void usageBecomesTokensAndCostByTheCatalogsPrice() {
        Answer answer = Answer.of("A red bicycle.").withUsage(1000, 2000).withFinishReason("stop");
        ResponseOutcome o = ResponseMapping.ok(PRICED, request(QuestionType.EASY_QUESTION), answer, 1_234_000_000L, 2);

        assertThat(o.getStatus()).isEqualTo(ResponseStatus.OK);
        assertThat(o.getEventId()).isEqualTo(Ids.event("ResponseOutcome", "q-0123", "mine"));
        assertThat(o.getText()).isEqualTo("A red bicycle.");
        assertThat(o.getFinishReason()).isEqualTo("stop");
        assertThat(o.getTokensIn()).isEqualTo(1000);
        assertThat(o.getTokensOut()).isEqualTo(2000);
        // 1000 x 0.003/1k + 2000 x 0.015/1k
        assertThat(o.getCostUsd()).isEqualTo(new BigDecimal("0.03300000"));
        assertThat(o.getLatencyMs()).isEqualTo(1234);
        assertThat(o.getAttempts()).isEqualTo(2);
        assertThat(o.getSimulated()).isFalse();
        assertThat(o.getQuestion()).isEqualTo("What is shown?");
        assertThat(o.getErrorKind()).isNull();
    }

    @Test
    void anAnswerWithoutUsageCostsNothing() {
        ResponseOutcome o = ResponseMapping.ok(PRICED, request(QuestionType.EASY_QUESTION), Answer.of(""), 0, 1);
        assertThat(o.getTokensIn() + o.getTokensOut()).isZero();
        assertThat(o.getCostUsd()).isEqualTo(new BigDecimal("0E-8"));
    }

    @Test
    void simulatedWhenTheProviderIsOrTheAnswerSaysSo() {
        ResponseRequested req = request(QuestionType.HARD_QUESTION);
        assertThat(ResponseMapping.ok(PRICED, req, Answer.of("x").asSimulated(), 0, 1).getSimulated()).isTrue();
        assertThat(ResponseMapping.ok(PERSONA, req, Answer.of("x"), 0, 1).getSimulated()).isTrue();
        assertThat(ResponseMapping.failed(PERSONA, req, ErrorKind.TIMEOUT, "slow", 5).getSimulated()).isTrue();
        assertThat(ResponseMapping.failed(PRICED, req, ErrorKind.TIMEOUT, "slow", 5).getSimulated()).isFalse();
    }

    @Test
    void aFailedOutcomeHasTheKindACutMessageAndNoCost() {
        ResponseOutcome o = ResponseMapping.failed(PRICED, request(QuestionType.HARD_STATEMENT), ErrorKind.IMAGE_UNAVAILABLE,
                "x".repeat(600), 0);
        assertThat(o.getStatus()).isEqualTo(ResponseStatus.FAILED);
        assertThat(o.getEventId()).isEqualTo(Ids.event("ResponseOutcome", "q-0123", "mine"));
        assertThat(o.getErrorKind()).isEqualTo(ErrorKind.IMAGE_UNAVAILABLE);
        assertThat(o.getErrorMessage()).hasSize(500);
        assertThat(o.getText()).isNull();
        assertThat(o.getCostUsd()).isEqualTo(new BigDecimal("0E-8"));
        assertThat(o.getAttempts()).as("at least one call is reported").isEqualTo(1);
    }

    @Test
    void failuresMapToTheContractsErrorKinds() {
        assertThat(ResponseMapping.errorKind(ModelFailure.Kind.RATE_LIMITED)).isEqualTo(ErrorKind.RATE_LIMITED);
        assertThat(ResponseMapping.errorKind(ModelFailure.Kind.SERVER_ERROR)).isEqualTo(ErrorKind.SERVER_ERROR);
        assertThat(ResponseMapping.errorKind(ModelFailure.Kind.CONNECTION)).isEqualTo(ErrorKind.SERVER_ERROR);
        assertThat(ResponseMapping.errorKind(ModelFailure.Kind.TIMEOUT)).isEqualTo(ErrorKind.TIMEOUT);
        assertThat(ResponseMapping.errorKind(ModelFailure.Kind.CLIENT_ERROR)).isEqualTo(ErrorKind.CLIENT_ERROR);
        assertThat(ResponseMapping.errorKind(ModelFailure.Kind.CONTENT_BLOCKED)).isEqualTo(ErrorKind.CONTENT_BLOCKED);
        assertThat(ResponseMapping.errorKind(ModelFailure.Kind.INVALID_OUTPUT)).isEqualTo(ErrorKind.INVALID_OUTPUT);
    }
}
