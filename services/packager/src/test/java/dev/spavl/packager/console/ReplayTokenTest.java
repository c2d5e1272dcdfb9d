package dev.spavl.packager.console;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class ReplayTokenTest {

    @Test
    void replayIsOffWithoutATokenOrWithAShortOne() {
        ReplayToken none = new ReplayToken(config(null));
        assertThat(none.enabled()).isFalse();
        assertThat(none.check("Bearer anything-at-all-here")).isEqualTo(ReplayToken.Check.DISABLED);
        assertThat(none.disabledReason()).contains("SPAVL_CONSOLE_REPLAY_TOKEN");
        assertThat(new ReplayToken(config("   ")).enabled()).isFalse();
        ReplayToken shortOne = new ReplayToken(config("short"));
        assertThat(shortOne.enabled()).isFalse();
        assertThat(shortOne.disabledReason()).contains("shorter than 16");
    }

    @Test
    void onlyTheExactBearerTokenIsAccepted() {
        ReplayToken token = new ReplayToken(config("0123456789abcdef-token"));
        assertThat(token.check("Bearer 0123456789abcdef-token")).isEqualTo(ReplayToken.Check.ACCEPTED);
        assertThat(token.check("bearer 0123456789abcdef-token")).isEqualTo(ReplayToken.Check.ACCEPTED);
        assertThat(token.check("Bearer 0123456789abcdef-toke")).isEqualTo(ReplayToken.Check.WRONG);
        assertThat(token.check("Bearer 0123456789abcdef-tokenX")).isEqualTo(ReplayToken.Check.WRONG);
        assertThat(token.check("Basic MDEyMzQ1Njc4OWFiY2RlZi10b2tlbg==")).isEqualTo(ReplayToken.Check.MISSING);
        assertThat(token.check(null)).isEqualTo(ReplayToken.Check.MISSING);
    }

    private static ConsoleConfig config(String token) {
        return new ConsoleConfig() {
            @Override
            public Optional<String> replayToken() {
                return Optional.ofNullable(token);
            }

            @Override
            public int previewBytes() {
                return 256;
            }

            @Override
            public boolean decodeAvro() {
                return true;
            }

            @Override
            public Duration readTimeout() {
                return Duration.ofSeconds(5);
            }
        };
    }
}
