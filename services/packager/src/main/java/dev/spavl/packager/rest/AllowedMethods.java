package dev.spavl.packager.rest;

import io.quarkus.arc.Arc;
import jakarta.enterprise.inject.Any;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The methods a path answers, for the {@code Allow} header and detail of a 405: Quarkus REST's own 405 names none. Read
 * once from the JAX-RS resource beans' {@code @Path} templates and method annotations, so it follows the resources.
 */
final class AllowedMethods {

    private record Route(Pattern path, String method) {
    }

    private static final Pattern PARAM = Pattern.compile("\\{\\s*\\w[\\w.-]*\\s*(?::\\s*((?:[^{}]|\\{[^{}]*})+))?}");
    private static volatile List<Route> routes;

    private AllowedMethods() {
    }

    /** The methods declared for {@code path} (HEAD with GET), sorted; empty when no resource matches it. */
    static Set<String> of(String path) {
        Set<String> allowed = new TreeSet<>();
        for (Route r : routes()) {
            if (r.path.matcher(path).matches()) {
                allowed.add(r.method);
                if (HttpMethod.GET.equals(r.method)) {
                    allowed.add(HttpMethod.HEAD);
                }
            }
        }
        return allowed;
    }

    private static List<Route> routes() {
        List<Route> found = routes;
        if (found == null) {
            found = new ArrayList<>();
            for (var bean : Arc.container().beanManager().getBeans(Object.class, Any.Literal.INSTANCE)) {
                Class<?> type = bean.getBeanClass();
                Path base = type.getAnnotation(Path.class);
                if (base == null) {
                    continue;
                }
                for (Method m : type.getMethods()) {
                    String method = httpMethod(m);
                    if (method != null) {
                        Path sub = m.getAnnotation(Path.class);
                        found.add(new Route(template(base.value() + "/" + (sub == null ? "" : sub.value())), method));
                    }
                }
            }
            routes = found;
        }
        return found;
    }

    private static String httpMethod(Method m) {
        for (Annotation a : m.getAnnotations()) {
            HttpMethod h = a.annotationType().getAnnotation(HttpMethod.class);
            if (h != null) {
                return h.value();
            }
        }
        return null;
    }

    /** A JAX-RS path template as a pattern: {@code {name}} one segment, {@code {name: regex}} its regex. */
    static Pattern template(String template) {
        String path = ("/" + template).replaceAll("/+", "/");
        if (path.length() > 1 && path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        StringBuilder regex = new StringBuilder();
        Matcher m = PARAM.matcher(path);
        int at = 0;
        while (m.find()) {
            regex.append(Pattern.quote(path.substring(at, m.start())));
            regex.append(m.group(1) == null ? "[^/]+" : "(?:" + m.group(1).trim() + ")");
            at = m.end();
        }
        regex.append(Pattern.quote(path.substring(at))).append("/?");
        return Pattern.compile(regex.toString());
    }
}
