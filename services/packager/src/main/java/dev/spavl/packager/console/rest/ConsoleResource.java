package dev.spavl.packager.console.rest;

import dev.spavl.packager.console.ConsoleInputException;
import dev.spavl.packager.console.DeadLetterRecord;
import dev.spavl.packager.console.DeadLetterReplayer;
import dev.spavl.packager.console.DeadLetterTopics;
import dev.spavl.packager.console.LaneFigures;
import dev.spavl.packager.console.ReplayLedger;
import dev.spavl.packager.console.ReplayToken;
import dev.spavl.packager.console.RunPulse;
import dev.spavl.packager.console.RunsPage;
import dev.spavl.packager.rest.CountSnapshots;
import dev.spavl.packager.rest.Paging;
import dev.spavl.packager.rest.Problem;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The console's JSON API ({@code /console/api/...}) behind the page at {@code /console/}. A run's Table 1 and its
 * quadruples come from the packager's own API ({@code /api/runs...}); this adds what only an operator needs: the runs
 * a page at a time with where each stands, the run's progress in {@code ./spavl}'s figures, per-lane lag, throughput
 * and errors, and the dead-letter records with their replay. Everything reads; only the replay writes, and it needs the replay token.
 */
@Path("/console/api")
@Produces(MediaType.APPLICATION_JSON)
public class ConsoleResource {

    private static final Logger LOG = Logger.getLogger(ConsoleResource.class);
    private static final int MAX_LIMIT = 200;
    private static final int MAX_RUNS_PAGE = 100;

    private final DeadLetterTopics deadLetters;
    private final DeadLetterReplayer replayer;
    private final ReplayLedger ledger;
    private final ReplayToken token;
    private final LaneFigures lanes;
    private final CountSnapshots counts;
    private final String prefix;
    private final String lagInterval;
    private final String lagWindow;

    public ConsoleResource(DeadLetterTopics deadLetters, DeadLetterReplayer replayer, ReplayLedger ledger, ReplayToken token,
                           LaneFigures lanes, CountSnapshots counts, @ConfigProperty(name = "spavl.topic-prefix") String prefix,
                           @ConfigProperty(name = "spavl.packager.lag.interval", defaultValue = "15s") String lagInterval,
                           @ConfigProperty(name = "spavl.packager.lag.window", defaultValue = "2m") String lagWindow) {
        this.deadLetters = deadLetters;
        this.replayer = replayer;
        this.ledger = ledger;
        this.token = token;
        this.lanes = lanes;
        this.counts = counts;
        this.prefix = prefix;
        this.lagInterval = lagInterval;
        this.lagWindow = lagWindow;
    }

    /** What the page needs to know once: whether replay is on, and how the lag is measured. */
    @GET
    @Path("/settings")
    public Map<String, Object> settings() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("topicPrefix", prefix);
        out.put("replayEnabled", token.enabled());
        out.put("replayDisabledReason", token.disabledReason());
        out.put("lagInterval", lagInterval);
        out.put("lagWindow", lagWindow);
        return out;
    }

    /**
     * A page of the recorded runs, newest first, with each one's state, closed of all questions and quadruples
     * ({@link RunsPage}); {@code size} 1 to {@value #MAX_RUNS_PAGE}, default 20. A page's counts are reused for a while
     * on large runs, as the run progress is ({@link CountSnapshots}).
     */
    @GET
    @Path("/runs")
    @WithSession
    public Uni<RunsPage> runs(@QueryParam("page") String page, @QueryParam("size") String size) {
        Paging paging = Paging.of(page, size, 20, MAX_RUNS_PAGE);
        return counts.get("runs/" + paging.page() + "/" + paging.size(), () -> RunsPage.of(paging));
    }

    /** The run's progress in {@code ./spavl}'s figures; 404 for a run the packager has not recorded. */
    @GET
    @Path("/runs/{runId}/progress")
    @WithSession
    public Uni<Response> progress(@PathParam("runId") String runId) {
        return dev.spavl.packager.persistence.RunEntity.<dev.spavl.packager.persistence.RunEntity>findById(runId)
                .flatMap(run -> run == null
                        ? Uni.createFrom().item(Problem.notFound("run", runId, "the packager has not recorded this run (yet)"))
                        : counts.get("pulse/" + runId, () -> RunPulse.of(runId)).map(p -> Response.ok(p).build()));
    }

    /** Per responder lane: lag, throughput, errors; outcomes of {@code run} only when given. */
    @GET
    @Path("/lanes")
    @Blocking
    public LaneFigures.Lanes lanes(@QueryParam("run") String run) {
        return lanes.of(run == null || run.isBlank() ? null : run);
    }

    /** Every dead-letter topic with its record count and how many of its records were replayed. */
    @GET
    @Path("/dead-letters")
    @Blocking
    public List<Map<String, Object>> deadLetterTopics() {
        Map<String, Long> replayed = ledger.countsByTopic();
        return deadLetters.topics().stream().map(t -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("topic", t.topic());
            m.put("replayTarget", t.replayTarget());
            m.put("records", t.records());
            m.put("replayed", replayed.getOrDefault(t.topic(), 0L));
            m.put("partitions", t.partitions());
            return m;
        }).toList();
    }

    /** A page of a dead-letter topic's records, oldest first per partition; {@code next} is where the next page starts. */
    @GET
    @Path("/dead-letters/{topic}")
    @Blocking
    public Response deadLetterRecords(@PathParam("topic") String topic, @QueryParam("partition") String partitionParam,
                                      @QueryParam("from") String fromParam, @QueryParam("limit") String limitParam) {
        int limit = Paging.whole("limit", limitParam, 20, 1, MAX_LIMIT);
        Integer partition = partitionParam == null || partitionParam.isEmpty() ? null
                : Paging.whole("partition", partitionParam, 0, 0, Integer.MAX_VALUE);
        Long from = Paging.atLeast("from", fromParam, 0);
        if (from != null && partition == null) {
            return Problem.badParameter("from", "needs 'partition' (an offset is per partition)");
        }
        DeadLetterTopics.Page page = deadLetters.read(topic, partition, from, limit);
        Map<String, DeadLetterRecord.Replay> replays = ledger.ofTopic(topic);
        List<DeadLetterRecord> records = page.records().stream()
                .map(r -> {
                    DeadLetterRecord.Replay replay = replays.get(r.partition() + "@" + r.offset());
                    return replay == null ? r : r.withReplay(replay);
                }).toList();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("topic", topic);
        body.put("replayTarget", DeadLetterTopics.replayTarget(topic));
        body.put("records", records);
        body.put("next", page.next());
        return Response.ok(body).build();
    }

    /** The body of a replay request: who asks (optional, for the log and the replay table). */
    public record ReplayRequest(String operator) {
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper()
            .configure(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /**
     * Re-publishes one dead-letter record to the topic its consumer reads. 200 with where it went; 401 without the right
     * bearer token; 503 when no token is configured; 409 when it was replayed before; 400/404 for bad coordinates.
     */
    @POST
    @Path("/dead-letters/{topic}/{partition}/{offset}/replay")
    @jakarta.ws.rs.Consumes(MediaType.WILDCARD)
    @Blocking
    public DeadLetterReplayer.Result replay(@PathParam("topic") String topic, @PathParam("partition") int partition,
                                            @PathParam("offset") long offset, @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
                                            String body) {
        // read by hand, and only once the token is accepted: the body is optional, a POST without one (or without a
        // content type) must not be a 415, and an unauthorized caller gets 401 whatever its body
        return replayer.replay(authorization, topic, partition, offset, () -> operator(body));
    }

    private static String operator(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            ReplayRequest request = JSON.readValue(body, ReplayRequest.class);
            return request == null ? null : request.operator();
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new ConsoleInputException(400, "invalid body", "the body must be JSON like {\"operator\": \"name\"} or empty: "
                    + e.getOriginalMessage());
        }
    }

    @ServerExceptionMapper
    public Response invalid(ConsoleInputException e) {
        Response.ResponseBuilder b = Response.fromResponse(Problem.of(Response.Status.fromStatusCode(e.status()), e.title(), e.getMessage(),
                e.extra()));
        if (e.status() == 401) {
            b.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"spavl-console\"");
        }
        return b.build();
    }

    /** The records asked for were removed by retention between finding the range and reading it. */
    @ServerExceptionMapper
    public Response removed(org.apache.kafka.clients.consumer.InvalidOffsetException e) {
        return Problem.of(Response.Status.NOT_FOUND, "offset no longer available", "the records were removed by the topic's retention "
                + "while being read (" + e.getMessage() + "); reload the list", Map.of());
    }

    @ServerExceptionMapper
    public Response kafkaUnavailable(org.apache.kafka.common.errors.TimeoutException e) {
        LOG.warnf("console: Kafka did not answer in time: %s", e.getMessage());
        return Problem.of(Response.Status.SERVICE_UNAVAILABLE, "Kafka unavailable", "the broker did not answer in time ("
                + e.getMessage() + "); try again", Map.of());
    }
}
