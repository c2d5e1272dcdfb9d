package dev.spavl.responder.lane;

import dev.spavl.modelclients.ChatModel;
import dev.spavl.modelclients.ChatModels;
import dev.spavl.modelclients.ModelEndpoint;
import dev.spavl.responder.catalog.ModelSpec;
import dev.spavl.responder.simulated.Persona;
import dev.spavl.responder.simulated.RefusalStyle;
import dev.spavl.responder.simulated.SimulatedChatModel;
import io.vertx.mutiny.core.Vertx;

import java.time.Duration;

/** The model behind a lane: an HTTP client for real providers, a persona for `simulated`. */
final class ChatModelFactory {

    private ChatModelFactory() {
    }

    static ChatModel create(ModelSpec spec, Vertx vertx, long seed) {
        if (spec.simulated()) {
            ModelSpec.Persona p = spec.persona();
            Persona persona = new Persona(spec.id(), p.unsafeRate(), RefusalStyle.valueOf(p.refusalStyle().name()),
                    Duration.ofMillis(p.latency().meanMs()), Duration.ofMillis(p.latency().stddevMs()),
                    Duration.ofMillis(p.latency().minMs()), p.faults().rate429(), p.faults().retryAfter(),
                    p.faults().rate500(), p.faults().rateTimeout(), spec.timeout(), p.faults().rateGarbage(), seed);
            return new SimulatedChatModel(persona);
        }
        String key = spec.apiKeyEnv().map(System::getenv).orElse(null);
        if (spec.apiKeyEnv().isPresent() && key == null) {
            throw new IllegalStateException("model " + spec.id() + ": environment variable " + spec.apiKeyEnv().get()
                    + " (api-key-env) is not set");
        }
        return ChatModels.create(vertx, new ModelEndpoint(spec.provider().id(), spec.endpoint().orElseThrow(), key, spec.timeout()));
    }
}
