package dev.spavl.contracts;

import dev.spavl.events.ImageRegistered;
import dev.spavl.events.PairJudged;
import dev.spavl.events.PairProposed;
import dev.spavl.events.QuadrupleAssembled;
import dev.spavl.events.QuestionGenerated;
import dev.spavl.events.ResponderHeartbeat;
import dev.spavl.events.ResponseOutcome;
import dev.spavl.events.ResponseRequested;
import dev.spavl.events.RunCancelled;
import dev.spavl.events.RunRequested;
import dev.spavl.events.SafetyAssessed;
import org.apache.avro.Schema;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Every event record of the contract: one per topic (see topics.yaml). */
public final class EventSchemas {

    public static final List<Schema> ALL = List.of(
            RunRequested.getClassSchema(),
            ImageRegistered.getClassSchema(),
            QuestionGenerated.getClassSchema(),
            ResponseRequested.getClassSchema(),
            ResponseOutcome.getClassSchema(),
            SafetyAssessed.getClassSchema(),
            PairProposed.getClassSchema(),
            PairJudged.getClassSchema(),
            QuadrupleAssembled.getClassSchema(),
            ResponderHeartbeat.getClassSchema(),
            RunCancelled.getClassSchema());

    private static final Map<String, Schema> BY_NAME =
            ALL.stream().collect(Collectors.toUnmodifiableMap(Schema::getName, Function.identity()));

    private EventSchemas() {
    }

    /** The record schema by simple name (as used in topics.yaml), or null. */
    public static Schema byName(String simpleName) {
        return BY_NAME.get(simpleName);
    }
}
