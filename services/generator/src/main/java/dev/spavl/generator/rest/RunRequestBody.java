package dev.spavl.generator.rest;

import java.util.List;

/**
 * JSON body of {@code POST /api/runs}.
 *
 * @param source        folder tree or manifest path/URL (required)
 * @param sourceKind    FOLDER_TREE, MANIFEST_JSONL or MANIFEST_CSV; inferred from the extension when absent
 * @param fanOut        "all" (default) or "sample:k"
 * @param seed          seed of every random choice; random (and recorded) when absent
 * @param questionTypes easy/hardq/hards or EASY_QUESTION/HARD_QUESTION/HARD_STATEMENT; all three when absent
 * @param targets       responder model ids; empty or absent = every live responder
 * @param limit         stop after this many accepted images
 * @param requestedBy   who asks, for audit
 */
public record RunRequestBody(String source, String sourceKind, String fanOut, Long seed, List<String> questionTypes,
                             List<String> targets, Integer limit, String requestedBy) {
}
