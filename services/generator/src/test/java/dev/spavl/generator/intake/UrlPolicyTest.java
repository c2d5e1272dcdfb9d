package dev.spavl.generator.intake;

import org.junit.jupiter.api.Test;

import java.net.URI;

import static org.assertj.core.api.Assertions.assertThat;

class UrlPolicyTest {

    private final UrlPolicy strict = new UrlPolicy(false);

    @Test
    void onlyHttpAndHttps() {
        assertThat(strict.refusal(URI.create("file:///etc/passwd"))).contains("only http and https");
        assertThat(strict.refusal(URI.create("ftp://example.org/x.png"))).contains("'ftp'");
    }

    @Test
    void loopbackPrivateLinkLocalAndMetadataAreRefused() {
        assertThat(strict.refusal(URI.create("http://127.0.0.1/x.png"))).contains("loopback");
        assertThat(strict.refusal(URI.create("http://localhost:8080/x.png"))).contains("loopback");
        assertThat(strict.refusal(URI.create("http://10.1.2.3/x.png"))).contains("private");
        assertThat(strict.refusal(URI.create("http://192.168.0.10/x.png"))).contains("private");
        assertThat(strict.refusal(URI.create("http://169.254.169.254/latest/meta-data"))).contains("link-local");
        assertThat(strict.refusal(URI.create("http://[::1]/x.png"))).contains("loopback");
        assertThat(strict.refusal(URI.create("http://[fd00::1]/x.png"))).contains("unique-local");
        assertThat(strict.refusal(URI.create("http://100.64.1.1/x.png"))).contains("carrier-grade NAT");
        assertThat(strict.refusal(URI.create("http://0.0.0.0/x.png"))).contains("unspecified");
    }

    @Test
    void hostsThatResolversReadDifferentlyAreRefused() {
        for (String host : java.util.List.of("0177.0.0.1", "127.1", "127.0.1", "2130706433", "0x7f.1", "0x7f000001",
                "017700000001", "127.000.000.001", "1.2.3.04", "127.0.0.1.", "example.org.", "%31%32%37.0.0.1",
                "a..example.org", "example.0x1", "1.2.3.4.5", "[::ffff:127.0.0.1]", "[::ffff:7f00:1]", "[::127.0.0.1]",
                "[::7f00:1]", "[64:ff9b::7f00:1]", "[fe80::1%25eth0]", "under_score.example.org")) {
            assertThat(strict.refusal(URI.create("http://" + host + "/x.png"))).as(host)
                    .startsWith("host '" + host + "' is not a canonical name or address");
            assertThat(new UrlPolicy(true).refusal(URI.create("http://" + host + "/x.png"))).as(host + " even when private URLs are allowed")
                    .startsWith("host '");
        }
        assertThat(strict.refusal(URI.create("http://0177.0.0.1:8080/x.png")))
                .isEqualTo("host '0177.0.0.1' is not a canonical name or address (an IPv4 address is four decimal numbers 0-255 "
                        + "without leading zeros)");
    }

    @Test
    void canonicalNamesAndAddressesAreJudgedAsBefore() {
        assertThat(strict.refusal(URI.create("https://93.184.216.34:443/x.png"))).isNull();
        assertThat(strict.refusal(URI.create("https://[2606:2800:220:1:248:1893:25c8:1946]/x.png"))).isNull();
        assertThat(strict.refusal(URI.create("http://10.0.0.1/x.png"))).contains("private");
        assertThat(strict.refusal(URI.create("http://0.0.0.0/x.png"))).contains("unspecified");
        assertThat(strict.refusal(URI.create("http://[::]/x.png"))).contains("unspecified");
    }

    @Test
    void userInfoIsRefused() {
        assertThat(strict.refusal(URI.create("http://user:pw@93.184.216.34/x.png"))).contains("user info");
    }

    @Test
    void publicAddressesPass() {
        assertThat(strict.refusal(URI.create("https://93.184.216.34/x.png"))).isNull();
    }

    @Test
    void privateAddressesPassOnlyWhenExplicitlyAllowed() {
        assertThat(new UrlPolicy(true).refusal(URI.create("http://127.0.0.1:9/x.png"))).isNull();
    }
}
