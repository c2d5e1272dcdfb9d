package dev.spavl.responder.health;

import dev.spavl.responder.lane.LaneSupervisor;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import java.util.Map;

/**
 * Ready while every hosted lane is consuming. A slow model does not make the process unready (a lane
 * waiting on its model is alive); a lane whose loop stopped on an error does.
 */
@Readiness
@ApplicationScoped
public class LanesReadiness implements HealthCheck {

    private final LaneSupervisor lanes;

    public LanesReadiness(LaneSupervisor lanes) {
        this.lanes = lanes;
    }

    @Override
    public HealthCheckResponse call() {
        Map<String, Boolean> status = lanes.status();
        HealthCheckResponseBuilder b = HealthCheckResponse.named("responder lanes")
                .status(!status.isEmpty() && !status.containsValue(false));
        Map<String, String> crashed = lanes.crashed();
        status.forEach((model, alive) -> b.withData(model, alive ? "consuming"
                : crashed.containsKey(model) ? "stopped: " + crashed.get(model) : "stopped"));
        return b.build();
    }
}
