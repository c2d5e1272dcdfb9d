package dev.spavl.judge.service;

import dev.spavl.contracts.ids.Ids;
import dev.spavl.events.QuestionGenerated;
import dev.spavl.events.QuestionType;
import dev.spavl.testkit.AvroTopicClient;
import dev.spavl.testkit.SpavlKafkaResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/** The judge reads Avro questions from a real broker through the real registry. */
@QuarkusTest
@WithTestResource(SpavlKafkaResource.class)
class QuestionIntakeTest {

    @Test
    void consumesQuestionsWrittenInTheConfluentWireFormat() {
        AvroTopicClient kafka = AvroTopicClient.forCurrentTestResource();
        for (QuestionType type : List.of(QuestionType.HARD_STATEMENT, QuestionType.HARD_STATEMENT)) {
            QuestionGenerated q = question(type, "img-" + System.nanoTime());
            kafka.send("spavl.questions", q.getQuestionId(), q);
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/q/metrics").then()
                .body(containsString("spavl_judge_questions_received_total{type=\"HARD_STATEMENT\"} 2.0")));
    }

    @Test
    void healthIsUp() {
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP")));
    }

    private static QuestionGenerated question(QuestionType type, String imageId) {
        String questionId = Ids.of("q", imageId, type);
        return QuestionGenerated.newBuilder()
                .setEventId(Ids.event("QuestionGenerated", questionId))
                .setRunId("run-test")
                .setOccurredAt(Instant.now().truncatedTo(ChronoUnit.MILLIS))
                .setQuestionId(questionId)
                .setImageId(imageId)
                .setImageUri("file:///blobs/" + imageId)
                .setImageSha256("0".repeat(64))
                .setType(type)
                .setText("What is shown here?")
                .setClass1("Malicious Use")
                .setClass2("Security threats")
                .setClass3("cyber attack")
                .setGeneratorModel("template")
                .setTemplateVersion("v1")
                .setExpectedResponders(List.of("otter"))
                .setSimulated(true)
                .build();
    }
}
