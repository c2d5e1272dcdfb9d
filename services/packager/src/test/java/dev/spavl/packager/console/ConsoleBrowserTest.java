package dev.spavl.packager.console;

import dev.spavl.packager.lag.ConsumerLagMonitor;
import dev.spavl.packager.lag.LagRounds;
import dev.spavl.testkit.PostgresDatabaseResource;
import dev.spavl.testkit.RequiredTool;
import dev.spavl.testkit.SpavlKafkaResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.SearchContext;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The console page in Debian's headless Chromium (driven through chromedriver by Selenium), served by the packager
 * under test with real data: run progress, lanes, dead letters, Table 1, and a replay with the token typed into the
 * page. Saves target/console-screenshot.png. Skipped when chromium or chromedriver is not installed (fails under CI=true:
 * {@link RequiredTool}).
 */
@QuarkusTest
@WithTestResource(SpavlKafkaResource.class)
@WithTestResource(PostgresDatabaseResource.class)
class ConsoleBrowserTest {

    private static final Path CHROMEDRIVER = Path.of(System.getProperty("spavl.test.chromedriver", "/usr/bin/chromedriver"));
    private static final Path CHROMIUM = Path.of(System.getProperty("spavl.test.chromium", "/usr/bin/chromium"));

    @TestHTTPResource("/console/")
    URL console;

    @Inject
    ConsumerLagMonitor monitor;

    private final ConsoleFixture fixture = new ConsoleFixture();

    @Test
    void theConsoleShowsARunItsLanesDeadLettersAndTableOneAndReplays() throws Exception {
        RequiredTool.assume(Files.isExecutable(CHROMEDRIVER) && Files.isExecutable(CHROMIUM),
                "Debian's chromium and chromium-driver (" + CHROMIUM + ", " + CHROMEDRIVER + ")",
                "apt-get install -y chromium chromium-driver; .ci/run installs them");

        // real data through the broker: a finished run (qwen-vl-chat fails once), a record the packager dead-letters,
        // and a lane group with committed offsets measured twice by the lag monitor
        String runId = "run-browser-" + UUID.randomUUID();
        // a seed above 2^53: as a JSON number the page would show 2872606786802451500, which reproduces nothing
        String seed = "2872606786802451457";
        fixture.completeRun(ConsoleFixture.run(runId, Long.parseLong(seed), ConsoleFixture.now()), List.of("lamm", "otter", "qwen-vl-chat"),
                3, "qwen-vl-chat");
        String poisonKey = "browser-poison-" + UUID.randomUUID();
        fixture.poison("spavl.images", poisonKey);
        await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(500))
                .until(() -> ConsoleApiTest.find("spavl.images.dlq", poisonKey), java.util.Objects::nonNull);
        String laneTopic = "spavl.requests.llava-1.5-7b";
        long end = fixture.requests(laneTopic, 6);
        Instant t0 = Instant.now();
        fixture.commit("spavl-responder-llava-1.5-7b", laneTopic, end - 6);
        LagRounds.measure(monitor, t0);
        fixture.commit("spavl-responder-llava-1.5-7b", laneTopic, end - 2); // 4 in 120 s: 2 per minute, 2 waiting: 60 s
        LagRounds.measure(monitor, t0.plusSeconds(120));
        JsonPath stats = given().get("/api/runs/{id}/stats", runId).then().statusCode(200).extract().jsonPath();

        Path profile = Files.createTempDirectory("spavl-console-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                "--window-size=1400,3200", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        WebDriver browser = new ChromeDriver(service, options);
        try {
            browser.get(console.toString());
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
            wait.ignoring(StaleElementReferenceException.class);
            wait.until(b -> "true".equals(b.findElement(By.tagName("body")).getAttribute("data-loaded")));
            // no timed re-rendering while the test reads the page: it refreshes on clicks only from here
            browser.findElement(By.id("auto-refresh")).click();
            click(wait, By.cssSelector("#runs-table tr[data-run='" + runId + "']"));
            wait.until(b -> runId.equals(b.findElement(By.id("progress-run")).getText())
                    && "1".equals(text(b, "#progress-figures [data-figure='failures'] dd")));

            // the runs table: state, questions closed of all, quadruples, and the seed exactly
            List<String> runRow = wait.until(b -> cells(b, "#runs-table tr[data-run='" + runId + "'] td", 9));
            assertThat(runRow.get(2)).isEqualTo("closed");
            assertThat(runRow.get(3)).isEqualTo("3 / 3");
            assertThat(runRow.get(4)).isEqualTo("3");
            assertThat(runRow.get(8)).isEqualTo(seed);

            // progress, as ./spavl prints it
            assertThat(text(browser, "#progress-figures [data-figure='images'] dd")).isEqualTo("3");
            assertThat(text(browser, "#progress-figures [data-figure='questions'] dd")).isEqualTo("3");
            assertThat(text(browser, "#progress-figures [data-figure='answers'] dd")).isEqualTo("9 / 9");
            assertThat(text(browser, "#progress-figures [data-figure='pairs'] dd")).isEqualTo("3");
            assertThat(text(browser, "#progress-figures [data-figure='quadruples'] dd")).isEqualTo("3");
            assertThat(text(browser, "#progress-figures [data-figure='unresolved'] dd")).isEqualTo("0");
            assertThat(text(browser, "#progress-percent")).isEqualTo("100%");
            assertThat(text(browser, "#failed-table")).contains("SERVER_ERROR").contains("1");

            // lanes: outcomes of the run, lag and throughput of the measured group
            // the sections render one after the other: read a row whole, again if it was replaced while being read
            List<String> qwen = wait.until(b -> cells(b, "#lanes-table tr[data-model='qwen-vl-chat'] td", 7));
            assertThat(qwen.get(4)).isEqualTo("2"); // OK
            assertThat(qwen.get(5)).isEqualTo("1"); // FAILED
            assertThat(qwen.get(6)).isEqualTo("SERVER_ERROR 1");
            List<String> llava = wait.until(b -> cells(b, "#lanes-table tr[data-model='llava-1.5-7b'] td", 4));
            assertThat(llava.get(1)).isEqualTo("2");
            assertThat(llava.get(2)).isEqualTo("60.0");
            assertThat(llava.get(3)).isEqualTo("2.0");
            assertThat(text(browser, "#lanes-measured")).contains("last measured");

            // Table 1: the same numbers as GET /api/runs/{id}/stats (and the dataset card)
            List<String> row = wait.until(b -> cells(b, "#table1-table tr[data-class2='" + ConsoleFixture.CLASS2 + "'] td", 4));
            assertThat(row.get(1)).isEqualTo("3");
            assertThat(row.get(2)).isEqualTo("3 (" + pct(stats.get("rows[0].questionUnsafePercent")) + ")");
            assertThat(row.get(3)).isEqualTo(pct(stats.get("rows[0].chosenUnsafePercent")) + " / "
                    + pct(stats.get("rows[0].rejectedUnsafePercent")));
            assertThat(text(browser, "#table1-table tr.total")).startsWith("total 3 3 (100.00)");
            assertThat(text(browser, "#table1-judge")).contains("Position flip rate: 0.000");

            // dead letters: the poison record, with its reason; replay refused without the token, done with it
            click(wait, By.cssSelector("#dlq-topics tr[data-topic='spavl.images.dlq']"));
            By poisonRow = By.xpath("//table[@id='dlq-records']//tr[td[normalize-space()='" + poisonKey + "']]");
            wait.until(b -> !b.findElements(poisonRow).isEmpty());
            assertThat(browser.findElement(poisonRow).getText()).contains("not in the Confluent wire format").contains("spavl.images/");
            // a refresh keeps a row that did not change (the same element, not a copy): the button under the cursor stays
            // (once no refresh is running or queued: the count then moves with the refresh this test asks for)
            wait.until(b -> !b.findElement(By.id("refresh-dot")).getAttribute("class").contains("busy"));
            WebElement shown = wait.until(b -> b.findElement(poisonRow));
            String refreshes = browser.findElement(By.tagName("body")).getAttribute("data-refreshes");
            browser.findElement(By.id("refresh-now")).click();
            wait.until(b -> !refreshes.equals(b.findElement(By.tagName("body")).getAttribute("data-refreshes")));
            assertThat(shown.getText()).as("the row is still in the page").contains(poisonKey);
            click(wait, poisonRow, By.cssSelector("button.replay"));
            wait.until(b -> text(b, "#replay-status").startsWith("replay refused"));
            assertThat(text(browser, "#replay-status")).contains("not authorized");

            browser.findElement(By.id("replay-token")).sendKeys(ConsoleFixture.TOKEN);
            browser.findElement(By.id("replay-operator")).sendKeys("browser test");
            wait.until(b -> b.findElement(poisonRow).findElement(By.cssSelector("button.replay")).isEnabled());
            click(wait, poisonRow, By.cssSelector("button.replay"));
            wait.until(b -> text(b, "#replay-status").startsWith("replayed spavl.images.dlq/"));
            assertThat(text(browser, "#replay-status")).contains(" to spavl.images/");
            wait.until(b -> b.findElement(poisonRow).getText().contains("replayed to spavl.images/"));
            assertThat(browser.findElement(poisonRow).getText()).contains("by browser test");
            wait.until(b -> "1".equals(text(b, "#dlq-topics tr[data-topic='spavl.images.dlq'] td:nth-child(3)")));
            assertThat(browser.findElement(poisonRow).findElements(By.cssSelector("button.replay"))).isEmpty();
            // open the value of the record for the screenshot
            click(wait, poisonRow, By.tagName("summary"));

            // paging: 21 runs newer than all others fill page 1 (20 a page) and begin page 2, newest first
            String pageTag = UUID.randomUUID().toString().substring(0, 8);
            Instant future = Instant.parse("2100-01-01T00:00:00Z");
            for (int i = 0; i < 21; i++) {
                fixture.record(ConsoleFixture.run("run-page-" + pageTag + "-" + i, i, future.plusSeconds(i)));
            }
            String newest = "run-page-" + pageTag + "-20";
            String twentyFirst = "run-page-" + pageTag + "-0";
            wait.withTimeout(Duration.ofSeconds(60)).until(b -> {
                b.findElement(By.id("refresh-now")).click();
                return !b.findElements(By.cssSelector("#runs-table tbody tr:first-child[data-run='" + newest + "']")).isEmpty();
            });
            assertThat(browser.findElements(By.cssSelector("#runs-table tbody tr"))).hasSize(20);
            assertThat(browser.findElements(By.cssSelector("#runs-table tr[data-run='" + twentyFirst + "']"))).isEmpty();
            assertThat(text(browser, "#runs-table tr[data-run='" + newest + "'] td[data-col='state']")).isEqualTo("no questions yet");
            assertThat(text(browser, "#runs-table tr[data-run='" + newest + "'] td[data-col='seed']")).isEqualTo("20");
            assertThat(text(browser, "#runs-page")).startsWith("page 1 of ");
            assertThat(browser.findElement(By.id("runs-newer")).isEnabled()).isFalse();
            click(wait, By.id("runs-older"));
            wait.until(b -> !b.findElements(By.cssSelector("#runs-table tbody tr:first-child[data-run='" + twentyFirst + "']")).isEmpty());
            assertThat(text(browser, "#runs-page")).startsWith("page 2 of ");
            assertThat(browser.findElements(By.cssSelector("#runs-table tr[data-run='" + newest + "']"))).isEmpty();
            assertThat(browser.findElement(By.id("runs-newer")).isEnabled()).isTrue();
            // the followed run stays followed while its row is on another page
            assertThat(text(browser, "#progress-run")).isEqualTo(runId);
            click(wait, By.id("runs-newer"));
            wait.until(b -> !b.findElements(By.cssSelector("#runs-table tbody tr:first-child[data-run='" + newest + "']")).isEmpty());
            assertThat(text(browser, "#runs-page")).startsWith("page 1 of ");

            Path shot = Path.of("target", "console-screenshot.png");
            Files.createDirectories(shot.getParent());
            File png = ((ChromeDriver) browser).getScreenshotAs(OutputType.FILE);
            Files.copy(png.toPath(), shot, StandardCopyOption.REPLACE_EXISTING);
            assertThat(Files.size(shot)).isGreaterThan(10_000);
            assertThat(text(browser, "#refresh-text")).startsWith("updated").doesNotContain("error");
        } finally {
            browser.quit();
            deleteTree(profile);
        }
    }

    /**
     * Clicks the element found by following {@code path}, found again if it was re-rendered between finding and
     * clicking (a section renders when its data arrives: the row found first may be replaced by the time of the click).
     * A click refused as stale did not happen, so trying again never clicks twice.
     */
    private static void click(WebDriverWait wait, By... path) {
        wait.until(b -> {
            SearchContext at = b;
            for (By step : path) {
                at = at.findElement(step);
            }
            ((WebElement) at).click();
            return true;
        });
    }

    /** The texts of the cells, or null (wait on) while the row has fewer than {@code atLeast} of them. */
    private static List<String> cells(WebDriver b, String css, int atLeast) {
        List<String> texts = b.findElements(By.cssSelector(css)).stream().map(e -> e.getText().trim()).toList();
        return texts.size() >= atLeast ? texts : null;
    }

    private static String text(WebDriver b, String css) {
        return b.findElement(By.cssSelector(css)).getText().trim();
    }

    private static String pct(Object v) {
        return v == null ? "n/a" : String.format(Locale.ROOT, "%.2f", ((Number) v).doubleValue());
    }

    private static void deleteTree(Path root) throws java.io.IOException {
        try (var paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
