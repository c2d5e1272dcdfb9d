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
