package dev.spavl.responder.config;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Which model lanes a process hosts, from the SPAVL_RESPONDER_MODELS value. */
public final class LaneSelection {

    private LaneSelection() {
    }

    /**
     * @param value  "all", one id, or a comma-separated list
     * @param known  the model ids that exist
     * @throws IllegalArgumentException naming every unknown id and the known ones
     */
    public static List<String> parse(String value, List<String> known) {
        String v = value == null ? "" : value.trim();
        if (v.isEmpty()) {
            throw new IllegalArgumentException("spavl.responder.models is empty: give \"all\", a model id or a comma-separated list");
        }
        if (v.equalsIgnoreCase("all")) {
            return List.copyOf(known);
        }
        Set<String> picked = new LinkedHashSet<>();
        List<String> unknown = new ArrayList<>();
        for (String part : v.split(",")) {
            String id = part.trim();
            if (id.isEmpty()) {
                continue;
            }
            if (known.contains(id)) {
                picked.add(id);
            } else {
                unknown.add(id);
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("spavl.responder.models names unknown model(s) " + unknown
                    + "; known: " + known);
        }
        if (picked.isEmpty()) {
            throw new IllegalArgumentException("spavl.responder.models \"" + value + "\" names no model");
        }
        return List.copyOf(picked);
    }
}
