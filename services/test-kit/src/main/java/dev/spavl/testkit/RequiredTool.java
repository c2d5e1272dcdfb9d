package dev.spavl.testkit;

import org.junit.jupiter.api.Assumptions;
import org.opentest4j.AssertionFailedError;

/**
 * The one rule for a test that needs a program or module of the machine (Python modules, node/npm, kubectl, Chromium,
 * promtool, ...): where it is missing the test is skipped, saying which tool and how to get it, except under
 * {@code CI=true}, where the test fails with the same message. CI installs every such tool (.ci/run), so a missing
 * one there is a broken install step, not a reason for a green build that ran nothing. (The Docker variant,
 * PipelineContainersIT, is the one exception: no Docker engine runs on the project's machines.)
 */
public final class RequiredTool {

    private RequiredTool() {
    }

    /** Whether this is CI: the environment variable {@code CI} is {@code true} (any case), as CI and .ci/run set it. */
    public static boolean inCi() {
        String ci = System.getenv("CI");
        return ci != null && ci.strip().equalsIgnoreCase("true");
    }

    /**
     * Skips the test (or, under CI=true, fails it) unless {@code present}.
     *
     * @param tool         what is missing, by name (e.g. "promtool (Debian package prometheus)")
     * @param howToInstall how to get it, including how .ci/run installs it
     */
    public static void assume(boolean present, String tool, String howToInstall) {
        assume(present, tool, howToInstall, null);
    }

    /** As {@link #assume(boolean, String, String)}, with {@code detail} (e.g. a probe's output) added to the message. */
    public static void assume(boolean present, String tool, String howToInstall, String detail) {
        if (present) {
            return;
        }
        String message = "missing tool: " + tool + "; " + howToInstall
                + (detail == null || detail.isBlank() ? "" : "\n" + detail.strip());
        if (inCi()) {
            throw new AssertionFailedError("CI=true, so a missing tool fails the test instead of skipping it. " + message);
        }
        Assumptions.abort("skipped, " + message);
    }
}
