package dev.spavl.contracts.types;

import dev.spavl.events.QuestionType;

import java.util.List;
import java.util.Locale;

/**
 * The short names SPA-VL gives its three prompt types, used for files ({@code easy.json}), metrics, run requests and
 * templates: {@code easy} (EASY_QUESTION), {@code hardq} (HARD_QUESTION), {@code hards} (HARD_STATEMENT).
 */
public final class QuestionTypeKeys {

    /** The keys in SPA-VL's order. */
    public static final List<String> KEYS = List.of("easy", "hardq", "hards");

    private QuestionTypeKeys() {
    }

    public static String key(QuestionType type) {
        return switch (type) {
            case EASY_QUESTION -> "easy";
            case HARD_QUESTION -> "hardq";
            case HARD_STATEMENT -> "hards";
        };
    }

    /** The key of a type stored by its symbol name (a database column). */
    public static String key(String symbol) {
        return key(QuestionType.valueOf(symbol));
    }

    /** The type a key names (case-insensitive, surrounding blanks ignored), or null for none. */
    public static QuestionType parse(String key) {
        return switch (key.strip().toLowerCase(Locale.ROOT)) {
            case "easy" -> QuestionType.EASY_QUESTION;
            case "hardq" -> QuestionType.HARD_QUESTION;
            case "hards" -> QuestionType.HARD_STATEMENT;
            default -> null;
        };
    }
}
