package dev.spavl.responder.lane;

import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.spavl.blobstore.BlobStore;
import dev.spavl.blobstore.StoredBlob;
import dev.spavl.events.ResponseOutcome;
import dev.spavl.events.ResponseRequested;
import dev.spavl.events.ResponseStatus;
import dev.spavl.testkit.AvroTopicClient;
import dev.spavl.testkit.SpavlKafkaResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.spavl.responder.lane.LaneTestSupport.awaitOutcome;
import static dev.spavl.responder.lane.LaneTestSupport.metric;
import static dev.spavl.responder.lane.LaneTestSupport.openAiOk;
import static dev.spavl.responder.lane.LaneTestSupport.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** How hard a lane pushes its model: concurrency limit, rate limit, and no lane holding up another. */
@QuarkusTest
@WithTestResource(SpavlKafkaResource.class)
@WithTestResource(WireModelResource.class)
class LaneFlowControlTest {

    @Inject
    BlobStore blobs;

    private final AvroTopicClient kafka = AvroTopicClient.forCurrentTestResource();
    private StoredBlob image;

    @BeforeEach
    void storeAnImage() {
        image = blobs.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 7, 8, 9}, "image/png");
        WireModelResource.server.resetAll();
    }

    @Test
    void theLaneNeverHasMoreCallsInFlightThanItsConcurrency() {
        // wire-vlm: concurrency 2; each call takes 800 ms, so 6 requests overlap unless the lane holds them back
        WireModelResource.server.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(openAiOk("ok").withFixedDelay(800)));
        List<ResponseRequested> reqs = sendMany("wire-vlm", 6);
        reqs.forEach(r -> assertThat(awaitOutcome(kafka, r.getQuestionId(), "wire-vlm").getStatus()).isEqualTo(ResponseStatus.OK));

        List<long[]> intervals = new ArrayList<>();
        for (ServeEvent e : WireModelResource.server.getAllServeEvents()) {
            long start = e.getRequest().getLoggedDate().getTime();
            intervals.add(new long[] {start, start + e.getTiming().getTotalTime()});
        }
        assertThat(intervals).hasSize(6);
        assertThat(maxOverlap(intervals)).as("calls in flight at once").isEqualTo(2);
    }

    @Test
    void theRateLimitSpacesCallsAndSaysSo() {
        // wire-rpm: 120 requests/minute = one call every 500 ms, although its concurrency (4) would allow more
        WireModelResource.server.stubFor(post(urlEqualTo("/rpm/v1/chat/completions")).willReturn(openAiOk("ok")));
        List<ResponseRequested> reqs = sendMany("wire-rpm", 6);
        reqs.forEach(r -> assertThat(awaitOutcome(kafka, r.getQuestionId(), "wire-rpm").getStatus()).isEqualTo(ResponseStatus.OK));

        List<Long> starts = WireModelResource.server.getAllServeEvents().stream()
                .map(e -> e.getRequest().getLoggedDate().getTime()).sorted().toList();
        assertThat(starts).hasSize(6);
        // permits come in 500 ms cycles; the first two calls may fall at the end of one cycle and the start of
        // the next, so calls 2 to 6 span at least 3 whole cycles. (Call 1 is left out: its HTTP connection is opened
        // after its permit, which can delay its arrival by 100-200 ms and shorten the measured span by as much.)
        assertThat(starts.get(5) - starts.get(1)).as("calls 2 to 6 at 120/min").isGreaterThanOrEqualTo(1_400);
        assertThat(metric("spavl_responder_rate_limited_total", "limit=\"requests_per_minute\",model=\"wire-rpm\"")).isPositive();
    }

    @Test
    void aStalledLaneDoesNotHoldUpAnother() {
        // wire-vlm answers only after 3 s; qwen-vl-chat (another lane, same process) must not wait for it
        WireModelResource.server.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(openAiOk("late answer").withFixedDelay(3000)));
        List<ResponseRequested> slow = sendMany("wire-vlm", 2);
        await().atMost(Duration.ofSeconds(10)).until(() ->
                !WireModelResource.server.findAll(postRequestedFor(urlEqualTo("/v1/chat/completions"))).isEmpty());

        ResponseRequested fast = request(image, "qwen-vl-chat", "What is in the picture?");
        kafka.send("spavl.requests.qwen-vl-chat", fast.getQuestionId(), fast);
        awaitOutcome(kafka, fast.getQuestionId(), "qwen-vl-chat");
        long slowDone = kafka.<ResponseOutcome>readAll("spavl.responses", Duration.ofSeconds(10)).stream()
                .map(ConsumerRecord::value)
                .filter(o -> slow.stream().anyMatch(s -> s.getQuestionId().equals(o.getQuestionId())))
                .count();
        assertThat(slowDone).as("the stalled lane's answers are still pending").isZero();
        slow.forEach(s -> assertThat(awaitOutcome(kafka, s.getQuestionId(), "wire-vlm").getStatus()).isEqualTo(ResponseStatus.OK));
    }

    @Test
    void aSlowCallDoesNotKeepTheLanesOtherWorkersWaiting() {
        // wire-vlm: concurrency 2. One call takes 3.5 s (its timeout is 5 s); the other worker must go on through the requests behind it
        // instead of waiting for the slow one to finish (a poll batch is not a barrier)
        WireModelResource.server.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(openAiOk("quick").withFixedDelay(50)));
        WireModelResource.server.stubFor(post(urlEqualTo("/v1/chat/completions")).withRequestBody(containing("SLOW"))
                .willReturn(openAiOk("slow").withFixedDelay(3500)));
        ResponseRequested slow = request(image, "wire-vlm", "A SLOW question about the picture.");
        kafka.send("spavl.requests.wire-vlm", slow.getQuestionId(), slow);
        await().atMost(Duration.ofSeconds(10)).until(() ->
                !WireModelResource.server.findAll(postRequestedFor(urlEqualTo("/v1/chat/completions"))).isEmpty());
        List<ResponseRequested> quick = sendMany("wire-vlm", 10);
        quick.forEach(r -> assertThat(awaitOutcome(kafka, r.getQuestionId(), "wire-vlm").getStatus()).isEqualTo(ResponseStatus.OK));
        assertThat(awaitOutcome(kafka, slow.getQuestionId(), "wire-vlm").getStatus()).isEqualTo(ResponseStatus.OK);

        long slowEnd = 0;
        List<Long> quickStarts = new ArrayList<>();
        for (ServeEvent e : WireModelResource.server.getAllServeEvents()) {
            long start = e.getRequest().getLoggedDate().getTime();
            if (e.getRequest().getBodyAsString().contains("SLOW")) {
                slowEnd = start + e.getTiming().getTotalTime();
            } else {
                quickStarts.add(start);
            }
        }
        assertThat(quickStarts).hasSize(10);
        long lastQuickStart = quickStarts.stream().mapToLong(Long::longValue).max().orElseThrow();
        assertThat(lastQuickStart).as("every quick call started while the slow one was still running").isLessThan(slowEnd);
    }

    private List<ResponseRequested> sendMany(String model, int n) {
        List<ResponseRequested> reqs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ResponseRequested req = request(image, model, "Question " + i + " about the picture.");
            reqs.add(req);
            kafka.send("spavl.requests." + model, req.getQuestionId(), req);
        }
        return reqs;
    }

    private static int maxOverlap(List<long[]> intervals) {
        int max = 0;
        for (long[] a : intervals) {
            // at each call's start, count the calls running at that moment
            long t = a[0];
            int n = (int) intervals.stream().filter(b -> b[0] <= t && t < b[1]).count();
            max = Math.max(max, n);
        }
        return max;
    }
}
