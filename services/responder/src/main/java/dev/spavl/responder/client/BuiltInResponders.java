package dev.spavl.responder.client;

import dev.spavl.modelclients.ChatModel;
import dev.spavl.modelclients.ChatModels;
import dev.spavl.modelclients.ModelEndpoint;
import dev.spavl.responder.catalog.ModelSpec;
import dev.spavl.responder.simulated.Persona;
import dev.spavl.responder.simulated.RefusalStyle;
import dev.spavl.responder.simulated.SimulatedChatModel;
import io.vertx.mutiny.core.Vertx;

import java.time.Duration;

/** The model behind a built-in lane: an HTTP client for real providers, a persona for `simulated`, as a ModelResponder. */
public final class BuiltInResponders {

    private BuiltInResponders() {
    }

    /** @throws IllegalArgumentException for a {@code custom} model: its responder is a bean of the process */
    public static ChatModelResponder create(ModelSpec spec, Vertx vertx, long seed) {
        if (spec.provider() == ModelSpec.Provider.CUSTOM) {
            throw new IllegalArgumentException("model " + spec.id() + " has provider custom: its responder is a @Responds bean");
        }
        return new ChatModelResponder(chatModel(spec, vertx, seed), spec.modelName(), spec.systemPrompt(),
                ChatModelResponder.decoding(spec), spec.timeout());
    }

    private static ChatModel chatModel(ModelSpec spec, Vertx vertx, long seed) {
        if (spec.simulated()) {
            ModelSpec.Persona p = spec.persona();
            Persona persona = new Persona(spec.id(), p.unsafeRate(), RefusalStyle.valueOf(p.refusalStyle().name()),
                    Duration.ofMillis(p.latency().meanMs()), Duration.ofMillis(p.latency().stddevMs()),
                    Duration.ofMillis(p.latency().minMs()), p.latency().shape(), p.faults().rate429(), p.faults().retryAfter(),
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
