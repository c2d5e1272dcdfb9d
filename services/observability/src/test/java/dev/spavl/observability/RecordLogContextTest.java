package dev.spavl.observability;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;
import org.jboss.logmanager.ExtHandler;
import org.jboss.logmanager.ExtLogRecord;
import org.jboss.logmanager.formatters.JsonFormatter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The ids as MDC fields of JSON log lines (the log manager and JSON formatter Quarkus uses), and their clean-up. */
class RecordLogContextTest {

    private static final String CATEGORY = "dev.spavl.observability.test";
    private final List<String> lines = new ArrayList<>();
    private final ExtHandler capture = new ExtHandler() {
        @Override
        protected void doPublish(ExtLogRecord record) {
            lines.add(getFormatter().format(record).trim());
        }
    };

    @BeforeEach
    void captureJsonLines() {
        assertThat(java.util.logging.LogManager.getLogManager()).as("surefire runs with the JBoss log manager")
                .isInstanceOf(org.jboss.logmanager.LogManager.class);
        capture.setFormatter(new JsonFormatter());
        java.util.logging.Logger.getLogger(CATEGORY).addHandler(capture);
    }

    @AfterEach
    void removeHandler() {
        java.util.logging.Logger.getLogger(CATEGORY).removeHandler(capture);
        MDC.clear();
    }

    @Test
    void aLineLoggedWhileARecordIsProcessedCarriesItsIdsAndTheNextOneDoesNot() {
        Logger log = Logger.getLogger(CATEGORY);
        try (RecordLogContext ignored = RecordLogContext.of("run-1", "q-1", "llava-1.5-7b")) {
            log.info("answered");
        }
        log.info("idle");

        assertThat(lines).hasSize(2);
        JsonObject first = json(lines.get(0));
        assertThat(first.getString("message")).isEqualTo("answered");
        assertThat(first.getJsonObject("mdc").getString("run_id")).isEqualTo("run-1");
        assertThat(first.getJsonObject("mdc").getString("question_id")).isEqualTo("q-1");
        assertThat(first.getJsonObject("mdc").getString("model_id")).isEqualTo("llava-1.5-7b");
        JsonObject second = json(lines.get(1));
        assertThat(second.containsKey("mdc") ? second.getJsonObject("mdc") : Json.createObjectBuilder().build())
                .doesNotContainKeys("run_id", "question_id", "model_id");
    }

    @Test
    void aNestedScopeRestoresTheOuterIdsAndANullIdLeavesItsKeyAlone() {
        try (RecordLogContext outer = RecordLogContext.of("run-1", "q-1", null)) {
            try (RecordLogContext inner = RecordLogContext.of(null, "q-2", "otter")) {
                assertThat(MDC.get("run_id")).isEqualTo("run-1");
                assertThat(MDC.get("question_id")).isEqualTo("q-2");
                assertThat(MDC.get("model_id")).isEqualTo("otter");
            }
            assertThat(MDC.get("question_id")).isEqualTo("q-1");
            assertThat(MDC.get("model_id")).isNull();
            outer.close();
            outer.close(); // idempotent
            assertThat(MDC.get("run_id")).isNull();
        }
        assertThat(MDC.get("question_id")).isNull();
    }

    private static JsonObject json(String line) {
        return Json.createReader(new StringReader(line)).readObject();
    }
}
