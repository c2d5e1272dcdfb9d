package dev.spavl.generator.intake;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * However an IPv4 address is written (decimal, octal or hex parts, the short a.b.c / a.b / a forms inet_aton reads,
 * leading zeros, IPv6-mapped), the guard never lets through one that a C resolver would read as a loopback, private,
 * link-local or otherwise restricted address; and it judges only the canonical dotted-quad by its address.
 */
class UrlHostPropertiesTest {

    private final UrlPolicy strict = new UrlPolicy(false);

    @Property(tries = 300)
    void noRenderingOfARestrictedAddressIsAccepted(@ForAll("restricted") int address) {
        for (String host : renderings(address)) {
            String refusal = strict.refusal(URI.create("http://" + host + "/x.png"));
            assertThat(refusal).as(host).isNotNull();
        }
    }

    @Property(tries = 300)
    void everyNonCanonicalRenderingIsRefusedWhateverTheAddress(@ForAll int address) {
        String canonical = dotted(address);
        for (String host : renderings(address)) {
            if (host.equals(canonical)) {
                continue;
            }
            assertThat(strict.refusal(URI.create("http://" + host + "/x.png"))).as(host)
                    .startsWith("host '" + host + "' is not a canonical name or address");
        }
    }

    @Property(tries = 300)
    void theCanonicalFormIsJudgedByItsAddress(@ForAll int address) throws UnknownHostException {
        String kind = UrlPolicy.restrictedKind(InetAddress.getByName(dotted(address)));
        String refusal = strict.refusal(URI.create("http://" + dotted(address) + "/x.png"));
        if (kind == null) {
            assertThat(refusal).isNull();
        } else {
            assertThat(refusal).contains(kind);
        }
    }

    /** Addresses in the ranges C resolvers must not be tricked into: loopback, RFC 1918, link-local, CGNAT, 0/8, multicast. */
    @Provide
    Arbitrary<Integer> restricted() {
        return Arbitraries.oneOf(
                network(127 << 24, 8), network(10 << 24, 8), network(0, 8), network(172 << 24 | 16 << 16, 12),
                network(192 << 24 | 168 << 16, 16), network(169 << 24 | 254 << 16, 16), network(100 << 24 | 64 << 16, 10),
                network(224 << 24, 4));
    }

    /** Any address of the network {@code base}/{@code bits}. */
    private static Arbitrary<Integer> network(int base, int bits) {
        int hostMask = (int) ((1L << (32 - bits)) - 1);
        return Arbitraries.integers().between(Integer.MIN_VALUE, Integer.MAX_VALUE).map(low -> base | (low & hostMask));
    }

    /** The ways inet_aton (and WHATWG URL parsers) accept to write the address. */
    static List<String> renderings(int a) {
        long u = Integer.toUnsignedLong(a);
        int b0 = (a >>> 24) & 0xff;
        int b1 = (a >>> 16) & 0xff;
        int b2 = (a >>> 8) & 0xff;
        int b3 = a & 0xff;
        List<String> forms = new ArrayList<>();
        forms.add(dotted(a));
        forms.add("0" + Integer.toOctalString(b0) + "." + b1 + "." + b2 + "." + b3);
        forms.add(octal(b0) + "." + octal(b1) + "." + octal(b2) + "." + octal(b3));
        forms.add(hex(b0) + "." + hex(b1) + "." + hex(b2) + "." + hex(b3));
        forms.add(String.format("%03d.%03d.%03d.%03d", b0, b1, b2, b3));
        forms.add(b0 + "." + b1 + "." + ((b2 << 8) | b3));
        forms.add(b0 + "." + ((b1 << 16) | (b2 << 8) | b3));
        forms.add(hex(b0) + "." + hex((b1 << 16) | (b2 << 8) | b3));
        forms.add(Long.toString(u));
        forms.add("0" + Long.toOctalString(u));
        forms.add("0x" + Long.toHexString(u));
        forms.add(dotted(a) + ".");
        forms.add("[::ffff:" + dotted(a) + "]");
        forms.add("[::ffff:" + Integer.toHexString((b0 << 8) | b1) + ":" + Integer.toHexString((b2 << 8) | b3) + "]");
        forms.add("[::" + dotted(a) + "]");
        return forms;
    }

    static String dotted(int a) {
        return ((a >>> 24) & 0xff) + "." + ((a >>> 16) & 0xff) + "." + ((a >>> 8) & 0xff) + "." + (a & 0xff);
    }

    private static String octal(int v) {
        return "0" + Integer.toOctalString(v);
    }

    private static String hex(int v) {
        return "0x" + Integer.toHexString(v);
    }
}
