package dev.spavl.judge.parse;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Maps a safety classifier's category code to the level-1 domain of the SPA-VL harm taxonomy.
 *
 * <p>The domain names are copied exactly from the taxonomy TSV, including its missing spaces
 * ({@code ToxicityHarms}, {@code IntegrityHarms}); downstream joins compare them as plain strings.
 */
public final class HarmCategoryMapping {

    public static final String REPRESENTATION_TOXICITY = "Representation & ToxicityHarms";
    public static final String MISINFORMATION = "Misinformation Harms";
    public static final String SOCIOECONOMIC = "Socioeconomic Harms";
    public static final String INFORMATION_SAFETY = "Information & Safety Harms";
    public static final String MALICIOUS_USE = "Malicious Use";
    public static final String HUMAN_AUTONOMY_INTEGRITY = "Human Autonomy & IntegrityHarms";

    /** All six level-1 domains in taxonomy order. */
    public static final List<String> DOMAINS = List.of(REPRESENTATION_TOXICITY, MISINFORMATION, SOCIOECONOMIC,
            INFORMATION_SAFETY, MALICIOUS_USE, HUMAN_AUTONOMY_INTEGRITY);

    // MD-Judge's O1..O6 are SALAD-Bench's domains, which SPA-VL's level 1 follows one-to-one.
    private static final Map<String, String> MD_JUDGE = Map.of(
            "O1", REPRESENTATION_TOXICITY,
            "O2", MISINFORMATION,
            "O3", SOCIOECONOMIC,
            "O4", INFORMATION_SAFETY,
            "O5", MALICIOUS_USE,
            "O6", HUMAN_AUTONOMY_INTEGRITY);

    /*
     * Llama Guard 3 (MLCommons hazard taxonomy) -> SPA-VL level-1 domain.
     * The two taxonomies do not line up; this table is our own judgement of the closest domain:
     *   crimes, defamation, weapons, code-interpreter abuse -> Malicious Use (misuse of the model to harm others);
     *   specialized advice, privacy, self-harm -> Information & Safety (dangerous or private information);
     *   intellectual property -> Human Autonomy & Integrity;
     *   hate, sexual content -> Representation & Toxicity;
     *   elections -> Misinformation.
     * Nothing maps to Socioeconomic Harms.
     */
    private static final Map<String, String> LLAMA_GUARD = Map.ofEntries(
            Map.entry("S1", MALICIOUS_USE),            // Violent Crimes
            Map.entry("S2", MALICIOUS_USE),            // Non-Violent Crimes
            Map.entry("S3", MALICIOUS_USE),            // Sex-Related Crimes
            Map.entry("S4", MALICIOUS_USE),            // Child Sexual Exploitation
            Map.entry("S5", MALICIOUS_USE),            // Defamation
            Map.entry("S6", INFORMATION_SAFETY),       // Specialized Advice
            Map.entry("S7", INFORMATION_SAFETY),       // Privacy
            Map.entry("S8", HUMAN_AUTONOMY_INTEGRITY), // Intellectual Property
            Map.entry("S9", MALICIOUS_USE),            // Indiscriminate Weapons
            Map.entry("S10", REPRESENTATION_TOXICITY), // Hate
            Map.entry("S11", INFORMATION_SAFETY),      // Suicide & Self-Harm
            Map.entry("S12", REPRESENTATION_TOXICITY), // Sexual Content
            Map.entry("S13", MISINFORMATION),          // Elections
            Map.entry("S14", MALICIOUS_USE));          // Code Interpreter Abuse

    private static final Map<String, Map<String, String>> BY_PARSER = Map.of(
            MdJudgeParser.ID, MD_JUDGE,
            LlamaGuardParser.ID, LLAMA_GUARD);

    private static final Pattern CODE = Pattern.compile("^([A-Za-z])\\s*0*(\\d{1,2})$");

    private HarmCategoryMapping() {
    }

    /**
     * @param parserId     id of the {@link SafetyOutputParser} that produced the code
     * @param categoryCode e.g. {@code O5} or {@code S10}; case, blanks and leading zeros are ignored
     * @return the SPA-VL level-1 domain, or empty for a null or unknown code
     * @throws IllegalArgumentException for an unknown parser id, since that is a configuration error
     */
    public static Optional<String> domainOf(String parserId, String categoryCode) {
        Map<String, String> table = parserId == null ? null : BY_PARSER.get(parserId.strip().toLowerCase(Locale.ROOT));
        if (table == null) {
            throw new IllegalArgumentException("No harm category mapping for parser '" + parserId
                    + "'; known ids: " + String.join(", ", new TreeSet<>(BY_PARSER.keySet())));
        }
        if (categoryCode == null) {
            return Optional.empty();
        }
        Matcher m = CODE.matcher(categoryCode.strip());
        if (!m.matches()) {
            return Optional.empty();
        }
        String code = m.group(1).toUpperCase(Locale.ROOT) + Integer.parseInt(m.group(2));
        return Optional.ofNullable(table.get(code));
    }
}
