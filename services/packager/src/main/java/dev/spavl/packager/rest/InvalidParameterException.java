package dev.spavl.packager.rest;

import java.util.LinkedHashMap;
import java.util.Map;

/** A query parameter out of its allowed range or not of its kind: 400 with a problem body naming it ({@link ProblemMappers}). */
public class InvalidParameterException extends RuntimeException {

    private final String parameter;
    private final Map<String, Object> extra;

    public InvalidParameterException(String parameter, String reason, Map<String, Object> extra) {
        super("parameter '" + parameter + "' " + reason);
        this.parameter = parameter;
        this.extra = new LinkedHashMap<>(extra);
    }

    public String parameter() {
        return parameter;
    }

    /** Members of the problem body beside {@code parameter} (the allowed range). */
    public Map<String, Object> extra() {
        return extra;
    }
}
