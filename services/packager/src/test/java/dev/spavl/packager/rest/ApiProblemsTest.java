package dev.spavl.packager.rest;

import dev.spavl.testkit.PostgresDatabaseResource;
import dev.spavl.testkit.SpavlKafkaResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

/** Paging bounds of the packager's API, and a problem body (RFC 9457) on every 4xx, also those Quarkus answers itself. */
@QuarkusTest
@WithTestResource(SpavlKafkaResource.class)
@WithTestResource(PostgresDatabaseResource.class)
class ApiProblemsTest {

    /** A problem document: its media type and members, the request's path as instance. */
    private static ValidatableResponse problem(ValidatableResponse r, int status, String instance) {
        return r.statusCode(status).contentType("application/problem+json").body("status", equalTo(status))
                .body("type", equalTo("about:blank")).body("instance", equalTo(instance));
    }

    @Test
    void aPageBeyondAnIntOffsetIsA400NamingPageAndItsRange() {
        // page * size = 2,500,000,000 overflowed the int offset: a 500 before
        problem(given().queryParam("page", 5_000_000).queryParam("size", 500).get("/api/quadruples").then(), 400, "/api/quadruples")
                .body("title", equalTo("invalid query parameter")).body("parameter", equalTo("page"))
                .body("minimum", equalTo(0)).body("maximum", equalTo(Integer.MAX_VALUE / 500))
                .body("detail", containsString("from 0 to 4294967")).body("detail", containsString("got '5000000'"));
        // the last allowed page is served (empty)
        given().queryParam("page", Integer.MAX_VALUE / 500).queryParam("size", 500).get("/api/quadruples").then().statusCode(200)
                .body("page", equalTo(Integer.MAX_VALUE / 500)).body("items.size()", equalTo(0));
        given().queryParam("page", Integer.MAX_VALUE).queryParam("size", 1).get("/api/quadruples").then().statusCode(200);
        given().queryParam("page", Integer.MAX_VALUE / 2 + 1).queryParam("size", 2).get("/api/quadruples").then().statusCode(400)
                .body("parameter", equalTo("page"));
    }

    @Test
    void pageAndSizeThatAreNotWholeNumbersInRangeAre400s() {
        for (String page : new String[] {"-1", "abc", "1.5", "99999999999999999999", " 1"}) {
            problem(given().queryParam("page", page).get("/api/quadruples").then(), 400, "/api/quadruples")
                    .body("parameter", equalTo("page")).body("detail", containsString("got '" + page + "'"));
        }
        for (String size : new String[] {"0", "501", "-5", "ten"}) {
            problem(given().queryParam("size", size).get("/api/quadruples").then(), 400, "/api/quadruples")
                    .body("parameter", equalTo("size")).body("minimum", equalTo(1)).body("maximum", equalTo(500))
                    .body("detail", containsString("from 1 to 500"));
        }
        problem(given().queryParam("limit", "many").get("/api/runs").then(), 400, "/api/runs")
                .body("parameter", equalTo("limit")).body("maximum", equalTo(500));
        given().queryParam("limit", 500).get("/api/runs").then().statusCode(200);
    }

    @Test
    void unknownIdsAre404sWithAProblemBody() {
        problem(given().get("/api/runs/{id}", "run-nobody-made").then(), 404, "/api/runs/run-nobody-made")
                .body("title", equalTo("run not found")).body("detail", containsString("run-nobody-made"));
        problem(given().get("/api/runs/{id}/stats", "run-nobody-made").then(), 404, "/api/runs/run-nobody-made/stats");
        problem(given().get("/api/runs/{id}/export", "run-nobody-made").then(), 404, "/api/runs/run-nobody-made/export");
        problem(given().post("/api/runs/{id}/export", "run-nobody-made").then(), 404, "/api/runs/run-nobody-made/export");
        problem(given().get("/console/api/runs/{id}/progress", "run-nobody-made").then(), 404,
                "/console/api/runs/run-nobody-made/progress");
    }

    @Test
    void pathsWithNoResourceAre404sWithAProblemBody() {
        problem(given().get("/api/nothing-here").then(), 404, "/api/nothing-here")
                .body("title", equalTo("Not Found")).body("detail", containsString("GET /api/nothing-here"));
        problem(given().get("/api/runs/x/y/z").then(), 404, "/api/runs/x/y/z");
        problem(given().get("/console/api/nothing-here").then(), 404, "/console/api/nothing-here");
        // a path parameter that must be a number and is not
        problem(given().post("/console/api/dead-letters/spavl.runs.dlq/first/0/replay").then(), 404,
                "/console/api/dead-letters/spavl.runs.dlq/first/0/replay");
    }

    @Test
    void wrongMethodsAre405sWithAProblemBodyAndAllow() {
        problem(given().delete("/api/runs/{id}", "run-1").then(), 405, "/api/runs/run-1")
                .header("Allow", containsString("GET")).body("title", equalTo("Method Not Allowed"))
                .body("detail", containsString("DELETE")).body("detail", containsString("allowed: GET"));
        problem(given().post("/api/runs").then(), 405, "/api/runs").body("detail", containsString("POST"));
        problem(given().put("/api/quadruples").then(), 405, "/api/quadruples");
        problem(given().get("/console/api/dead-letters/spavl.runs.dlq/0/0/replay").then(), 405,
                "/console/api/dead-letters/spavl.runs.dlq/0/0/replay").body("detail", containsString("allowed: POST"));
    }

    @Test
    void anUnacceptableMediaTypeIsA406WithAProblemBody() {
        problem(given().accept("text/csv").get("/api/runs").then(), 406, "/api/runs")
                .body("detail", containsString("text/csv"));
    }

    @Test
    void consoleParametersThatAreNotNumbersAre400s() {
        problem(given().queryParam("limit", "x").get("/console/api/dead-letters/spavl.runs.dlq").then(), 400,
                "/console/api/dead-letters/spavl.runs.dlq").body("parameter", equalTo("limit"));
        problem(given().queryParam("partition", "0").queryParam("from", "-1").get("/console/api/dead-letters/spavl.runs.dlq").then(),
                400, "/console/api/dead-letters/spavl.runs.dlq").body("parameter", equalTo("from"))
                .body("detail", containsString("of at least 0")).body("maximum", nullValue());
    }
}
