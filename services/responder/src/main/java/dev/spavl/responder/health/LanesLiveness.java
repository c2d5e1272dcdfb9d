package dev.spavl.responder.health;

import dev.spavl.responder.lane.LaneSupervisor;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;

import java.util.Map;

/**
 * Down once a lane's loop has stopped on an error (a broker that would not take its outcomes, or a bug): the lane does
 * not come back in this process, so the orchestrator should restart it; its requests were left uncommitted and are
 * delivered again. A drained lane (shutdown) or a slow model is not a failure.
 */
@Liveness
@ApplicationScoped
public class LanesLiveness implements HealthCheck {

    private final LaneSupervisor lanes;

    public LanesLiveness(LaneSupervisor lanes) {
        this.lanes = lanes;
    }

    @Override
    public HealthCheckResponse call() {
        Map<String, String> crashed = lanes.crashed();
        HealthCheckResponseBuilder b = HealthCheckResponse.named("responder lanes alive").status(crashed.isEmpty());
        crashed.forEach((model, reason) -> b.withData(model, "stopped: " + reason));
        return b.build();
    }
}
