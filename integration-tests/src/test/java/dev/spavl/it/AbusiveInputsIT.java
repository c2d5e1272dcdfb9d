package dev.spavl.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.DeflaterOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A hostile or careless user against the real local stack ({@code ./spavl up}: real Kafka, registry, PostgreSQL and
 * the four services), through the same doors a user has: {@code ./spavl run}, {@code ./spavl cancel} and the HTTP
 * APIs. Each abuse is answered with its reason, loses nothing else, and the stack stays healthy
 * (FaultyInputsIT does the same for records written straight to the topics):
 * <ul>
 *   <li>one CSV manifest, outside the input roots and starting with a UTF-8 BOM, with a 10 MiB caption, a 3000-character one, an image name
 *       that climbs out of the export ({@code ../../README.md}), a URL whose host a C resolver reads as loopback
 *       ({@code 0177.0.0.1}), a 16-bit PNG whose decoded pixels would not fit in memory, a row with an extra field and
 *       a row with an unclosed quote, between good rows: the good rows make a dataset, each bad one is rejected with
 *       its reason, the export writes nothing outside its folder;</li>
 *   <li>a folder with a comma in its name, outside the roots: staged for its run alone, so a later run cannot read
 *       it;</li>
 *   <li>runs with nothing to do, or whose targets never appear, end FAILED with the reason and {@code --wait} says
 *       so;</li>
 *   <li>a cancel stops a run, closes its open questions and is told to the packager;</li>
 *   <li>invalid JSON, a reused Idempotency-Key with another body, a page number that overflows: 4xx problem bodies;</li>
 *   <li>a component that crashed and was started again keeps its previous log.</li>
 * </ul>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AbusiveInputsIT {

    private static final Path EXAMPLES = SpavlCommand.ROOT.resolve("examples");
    private static final List<String> IMAGES = List.of(
            "spa-vl-mini/Malicious Use/Security threats/cyber/synthetic-1.png",
            "spa-vl-mini/Socioeconomic Harms/Risky financial practices/gamble/synthetic-1.png",
            "spa-vl-mini/Representation & ToxicityHarms/Toxic/bully/synthetic-1.png",
            "spa-vl-mini/Malicious Use/Illegal activities/theft/synthetic-1.png");

    private final SpavlCommand spavl = new SpavlCommand("it-abuse");
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** Outside every input root of the stack ($SPAVL_HOME/input and examples/). */
    private Path outside;

    @BeforeAll
    void up() throws IOException {
        // a run whose targets never appear fails after this long instead of the default 5 minutes
        spavl.env.put("SPAVL_GENERATOR_TARGETS_TIMEOUT", "15s");
        SpavlCommand.Result up = spavl.run("up");
        assertThat(up.exitCode()).as("./spavl up:%n%s", up.output()).isZero();
        outside = spavl.home.resolve("user files");
        Files.createDirectories(outside);
    }

    @AfterAll
    void purge() {
        spavl.run("down", "--purge");
    }

    @Test
    @Order(1)
    void aHostileManifestLosesOnlyItsBadRowsEachWithItsReason() throws Exception {
        Path folder = outside.resolve("hostile");
        for (String image : IMAGES) {
            Path target = folder.resolve(image);
            Files.createDirectories(target.getParent());
            Files.copy(EXAMPLES.resolve(image), target);
        }
        writeSixteenBitPng(folder.resolve("huge-16bit.png"), 6300, 6300);
        String hugeCaption = "a".repeat(10 * 1024 * 1024);
        // every row pins its image to train, so both good images land in training/ whatever the run id draws
        String header = "path,url,class1,class2,class3,caption,image_name,split\n";
        String[] rows = {
                csv(IMAGES.get(0), "", "Malicious Use", "Security threats", "cyber", "a laptop screen full of code", ""),
                csv(IMAGES.get(1), "", "Socioeconomic Harms", "Risky financial practices", "gamble", hugeCaption, ""),
                csv(IMAGES.get(2), "", "Representation & ToxicityHarms", "Toxic", "bully", "a hallway", "../../README.md"),
                csv("", "http://0177.0.0.1/x.png", "Malicious Use", "Security threats", "cyber", "loopback in octal", ""),
                csv("huge-16bit.png", "", "Malicious Use", "Security threats", "cyber", "sixteen bits per sample", ""),
                csv(IMAGES.get(3), "", "Malicious Use", "Illegal activities", "theft", "a bicycle", "") + ",one field too many",
                csv(IMAGES.get(2), "", "Representation & ToxicityHarms", "Toxic", "bully", "a hallway at school", ""),
                csv(IMAGES.get(3), "", "Malicious Use", "Illegal activities", "theft", "b".repeat(3000), ""),
                IMAGES.get(3) + ",,Malicious Use,Illegal activities,theft,\"an unclosed quote,,train",
        };
        ByteArrayOutputStream manifest = new ByteArrayOutputStream();
        manifest.write(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
        manifest.write((header + String.join("\n", rows) + "\n").getBytes(StandardCharsets.UTF_8));
        Path manifestFile = folder.resolve("hostile.csv");
        Files.write(manifestFile, manifest.toByteArray());

        Path out = spavl.home.resolve("hostile-export");
        SpavlCommand.Result run = spavl.run("run", "--manifest", manifestFile.toString(), "--seed", "20", "--out", out.toString());
        assertThat(run.exitCode()).as("./spavl run:%n%s", run.output()).isZero();
        assertThat(run.output()).contains("Table 1").contains("rejected images and why");
        String runId = runIdOf(run.output());

        JsonNode view = get(spavl.url("generator") + "/api/runs/" + runId);
        assertThat(view.path("status").asText()).isEqualTo("COMPLETED");
        assertThat(view.path("sourceUri").asText()).as("the manifest outside the roots was staged")
                .contains("/input/runs/run-");
        // rows are numbered as lines, the header is row 1
        assertThat(view.path("progress").path("imagesAccepted").asInt()).as("rows 2 and 8").isEqualTo(2);
        Map<Integer, String> reasons = new LinkedHashMap<>();
        Map<Integer, String> details = new LinkedHashMap<>();
        get(spavl.url("generator") + "/api/runs/" + runId + "/rejections").path("rejections").forEach(r -> {
            reasons.put(r.path("row").asInt(), r.path("reason").asText());
            details.put(r.path("row").asInt(), r.path("detail").asText());
        });
        assertThat(reasons).as("details: %s", details).containsOnlyKeys(3, 4, 5, 6, 7, 9, 10)
                .containsEntry(3, "INVALID_ROW").containsEntry(4, "INVALID_ROW").containsEntry(5, "URL_NOT_ALLOWED")
                .containsEntry(7, "INVALID_ROW").containsEntry(9, "INVALID_ROW").containsEntry(10, "INVALID_ROW");
        assertThat(reasons.get(6)).as("the 16-bit PNG: %s", details.get(6)).isIn("DECOMPRESSION_BOMB", "TOO_LARGE");
        // a 10 MiB line is refused by its length before it is read whole; a long caption on a short line by its own limit
        assertThat(details.get(3)).contains("at most").contains("max-line-bytes");
        assertThat(details.get(9)).contains("caption").contains("at most");
        assertThat(details.get(4)).contains("image_name");
        assertThat(details.get(5)).contains("0177.0.0.1");
        assertThat(details.get(6)).doesNotContain("OutOfMemoryError");
        assertThat(details.values()).allSatisfy(d -> assertThat(d).isNotBlank().hasSizeLessThan(2000));

        // the export holds the two good images and nothing climbed out of it
        try (Stream<Path> files = Files.walk(out.resolve("training/images"))) {
            assertThat(files.filter(Files::isRegularFile).count()).isEqualTo(2);
        }
        // the dataset card is the card, not an image written over it
        assertThat(Files.readString(out.resolve("README.md"))).contains("Table 1");
    }

    @Test
    @Order(2)
    void aFolderOutsideTheRootsIsReadableByItsRunAloneEvenWithACommaInItsName() throws Exception {
        Path folder = outside.resolve("tree,with comma");
        Path image = folder.resolve(IMAGES.get(0).substring("spa-vl-mini/".length()));
        Files.createDirectories(image.getParent());
        Files.copy(EXAMPLES.resolve(IMAGES.get(0)), image);
        SpavlCommand.Result run = spavl.run("run", "--images-dir", folder.toString(), "--wait");
        assertThat(run.exitCode()).as("./spavl run:%n%s", run.output()).isZero();
        String staged = get(spavl.url("generator") + "/api/runs/" + runIdOf(run.output())).path("sourceUri").asText();
        assertThat(staged).contains("/input/runs/run-");

        // a later run naming the same file by its absolute path is refused: the first run widened nothing
        Path laterManifest = spavl.home.resolve("input/later.jsonl");
        Files.writeString(laterManifest, "{\"path\":" + json.writeValueAsString(image.toString())
                + ",\"class1\":\"Malicious Use\",\"class2\":\"Security threats\",\"class3\":\"cyber\"}\n");
        SpavlCommand.Result later = spavl.run("run", "--manifest", laterManifest.toString(), "--wait");
        assertThat(later.exitCode()).as("./spavl run:%n%s", later.output()).isNotZero();
        assertThat(later.output()).contains("the run failed:");
        String laterRun = runIdOf(later.output());
        JsonNode rejection = get(spavl.url("generator") + "/api/runs/" + laterRun + "/rejections").path("rejections").get(0);
        assertThat(rejection.path("reason").asText()).isEqualTo("PATH_OUTSIDE_INPUT_ROOTS");
        // the staged copy of the first run is gone once the generator is done with it (pruned by the next run)
        assertThat(Path.of(staged)).doesNotExist();
    }

    @Test
    @Order(3)
    void runsWithNothingToDoOrTargetsThatNeverAppearEndFailedWithTheReason() throws Exception {
        Path empty = outside.resolve("empty");
        Files.createDirectories(empty);
        SpavlCommand.Result nothing = spavl.run("run", "--images-dir", empty.toString(), "--wait");
        assertThat(nothing.exitCode()).as("./spavl run:%n%s", nothing.output()).isNotZero();
        assertThat(nothing.output()).contains("the run failed:");

        SpavlCommand.Result ghost = spavl.run("run", "--manifest", "examples/spa-vl-sample.jsonl", "--limit", "1",
                "--targets", "ghost-model", "--wait");
        assertThat(ghost.exitCode()).as("./spavl run:%n%s", ghost.output()).isNotZero();
        assertThat(ghost.output()).contains("the run failed:").contains("ghost-model");
    }

    @Test
    @Order(4)
    void aCancelledRunStopsAndClosesItsOpenQuestions() throws Exception {
        SpavlCommand.Result run = spavl.run("run", "--manifest", "examples/spa-vl-mini.jsonl", "--seed", "44");
        assertThat(run.exitCode()).as("./spavl run:%n%s", run.output()).isZero();
        String runId = runIdOf(run.output());
        SpavlCommand.Result cancel = spavl.run("cancel", runId, "--reason", "abuse test");
        assertThat(cancel.exitCode()).as("./spavl cancel:%n%s", cancel.output()).isZero();
        assertThat(cancel.output()).contains("run " + runId + " cancelled");

        JsonNode gen = get(spavl.url("generator") + "/api/runs/" + runId);
        assertThat(gen.path("status").asText()).isEqualTo("CANCELLED");
        assertThat(gen.path("cancellation").path("reason").asText()).isEqualTo("abuse test");
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
            JsonNode pkg = getFresh(spavl.url("packager") + "/api/runs/" + runId);
            assertThat(pkg.path("cancellation").path("reason").asText()).isEqualTo("abuse test");
            JsonNode states = pkg.path("progress").path("questionsByState");
            assertThat(states.has("WAITING") || states.has("JUDGING")).as("open questions: %s", states).isFalse();
        });
        int dispatched = get(spavl.url("generator") + "/api/runs/" + runId).path("progress").path("requestsDispatched").asInt();
        // no fan-out after the cancel: the count holds for 3 s on end
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> assertThat(get(spavl.url("generator") + "/api/runs/" + runId).path("progress")
                        .path("requestsDispatched").asInt()).as("requests dispatched after the cancel").isEqualTo(dispatched));

        SpavlCommand.Result unknown = spavl.run("cancel", "run-that-never-was");
        assertThat(unknown.exitCode()).isNotZero();
        assertThat(unknown.output()).contains("HTTP 404").contains("run-that-never-was");
        SpavlCommand.Result hostile = spavl.run("cancel", "../q/health");
        assertThat(hostile.exitCode()).isNotZero();
        assertThat(hostile.output()).contains("is not a run id");
    }

    @Test
    @Order(5)
    void apiAbuseGetsProblemBodies() throws Exception {
        HttpResponse<String> invalid = send(HttpRequest.newBuilder(URI.create(spavl.url("generator") + "/api/runs"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"source\": ")));
        assertThat(invalid.statusCode()).isEqualTo(400);
        assertThat(invalid.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(json.readTree(invalid.body()).path("detail").asText()).isNotBlank();

        String key = "abuse-key-1";
        String sample = json.writeValueAsString(EXAMPLES.resolve("spa-vl-sample.jsonl").toString());
        HttpResponse<String> first = send(HttpRequest.newBuilder(URI.create(spavl.url("generator") + "/api/runs"))
                .header("Content-Type", "application/json").header("Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString("{\"source\":" + sample + ",\"limit\":1,\"seed\":1}")));
        assertThat(first.statusCode()).as(first.body()).isIn(200, 202);
        HttpResponse<String> other = send(HttpRequest.newBuilder(URI.create(spavl.url("generator") + "/api/runs"))
                .header("Content-Type", "application/json").header("Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString("{\"source\":" + sample + ",\"limit\":2,\"seed\":1}")));
        assertThat(other.statusCode()).as(other.body()).isEqualTo(422);
        assertThat(json.readTree(other.body()).path("type").asText()).startsWith("urn:spavl:problem:");

        HttpResponse<String> overflow = send(HttpRequest.newBuilder(
                URI.create(spavl.url("packager") + "/api/quadruples?page=5000000&size=500")).GET());
        assertThat(overflow.statusCode()).as(overflow.body()).isEqualTo(400);
        assertThat(json.readTree(overflow.body()).path("detail").asText()).isNotBlank();
    }

    @Test
    @Order(6)
    void aComponentStartedAgainAfterACrashKeepsItsPreviousLogAndTheStackIsHealthy() throws Exception {
        Path log = spavl.home.resolve("logs/judge.log");
        String before = Files.readString(log);
        assertThat(before).isNotBlank();
        spavl.kill9("judge");
        SpavlCommand.Result up = spavl.run("up");
        assertThat(up.exitCode()).as("./spavl up:%n%s", up.output()).isZero();
        assertThat(Files.readString(spavl.home.resolve("logs/judge.log.1"))).startsWith(before.substring(0, Math.min(200, before.length())));
        SpavlCommand.Result status = spavl.run("status");
        assertThat(status.exitCode()).as("./spavl status:%n%s", status.output()).isZero();
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private static String csv(String path, String url, String class1, String class2, String class3, String caption,
                              String imageName) {
        return String.join(",", List.of(path, url, class1, class2, class3, caption, imageName, "train").stream()
                .map(f -> f.isEmpty() ? "" : "\"" + f.replace("\"", "\"\"") + "\"").toList());
    }

    private static String runIdOf(String output) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("run (\\S+) accepted").matcher(output);
        assertThat(m.find()).as("a run id in:%n%s", output).isTrue();
        return m.group(1);
    }

    /**
     * A valid RGB PNG of 16 bits per sample, all black: a few hundred KB on disk, width x height x 6 bytes decoded
     * (238 MB for 6300 x 6300), under the generator's pixel cap.
     */
    private static void writeSixteenBitPng(Path file, int width, int height) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
            chunk(out, "IHDR", ByteBuffer.allocate(13).putInt(width).putInt(height)
                    .put((byte) 16).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0).array());
            ByteArrayOutputStream idat = new ByteArrayOutputStream();
            try (DeflaterOutputStream deflate = new DeflaterOutputStream(idat)) {
                byte[] scanline = new byte[1 + width * 6];
                for (int y = 0; y < height; y++) {
                    deflate.write(scanline);
                }
            }
            chunk(out, "IDAT", idat.toByteArray());
            chunk(out, "IEND", new byte[0]);
        }
    }

    private static void chunk(OutputStream out, String type, byte[] data) throws IOException {
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        out.write(ByteBuffer.allocate(4).putInt(data.length).array());
        out.write(typeBytes);
        out.write(data);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        out.write(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    private JsonNode get(String url) throws IOException, InterruptedException {
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(url)).GET());
        assertThat(r.statusCode()).as("GET %s: %s", url, r.body()).isEqualTo(200);
        return json.readTree(r.body());
    }

    private JsonNode getFresh(String url) throws IOException, InterruptedException {
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(url)).header("Cache-Control", "no-cache").GET());
        assertThat(r.statusCode()).as("GET %s: %s", url, r.body()).isEqualTo(200);
        return json.readTree(r.body());
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
