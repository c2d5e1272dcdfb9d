package dev.spavl.generator.intake;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * Whether a URL's host is written the one way every parser reads alike: a DNS name of letters, digits and hyphens
 * whose last label is not a number, four decimal IPv4 parts without leading zeros, or a bracketed IPv6 address of
 * hex groups. Anything else is refused, because resolvers disagree on it: Java reads {@code 0177.0.0.1} as 177.0.0.1
 * while C's inet_aton (curl, proxies, the OS resolver) reads octal 127.0.0.1; {@code 127.1}, {@code 2130706433} and
 * {@code 0x7f.1} are loopback there too. The SSRF check must judge the address the connection will reach, so a host
 * two readers could read differently is not judged at all. Also refused: trailing dots, percent-encoding, zone ids,
 * and IPv6 addresses that embed an IPv4 one (mapped, compatible, NAT64), whose kind Java does not report.
 */
final class CanonicalHost {

    private static final String OCTET = "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])";
    private static final Pattern IPV4 = Pattern.compile(OCTET + "(\\." + OCTET + "){3}");
    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
    /** What URL parsers (WHATWG) and inet_aton take as a number: decimal, octal or hex digits. */
    private static final Pattern NUMERIC = Pattern.compile("[0-9]+|0[xX][0-9A-Fa-f]*");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:]+");

    private CanonicalHost() {
    }

    /** Null when {@code host} (as in the URL, IPv6 in brackets) is canonical, otherwise why not. */
    static String problem(String host) {
        String why = "host '" + host + "' is not a canonical name or address";
        if (host.startsWith("[") && host.endsWith("]")) {
            String literal = host.substring(1, host.length() - 1);
            if (!IPV6.matcher(literal).matches() || literal.length() > 39) {
                return why + " (an IPv6 address is written in hex groups, without an embedded IPv4 address or a zone)";
            }
            InetAddress a;
            try {
                a = InetAddress.getByName(literal); // a literal: no lookup
            } catch (UnknownHostException e) {
                return why;
            }
            if (a instanceof Inet4Address || embedsIpv4((Inet6Address) a)) {
                return why + " (an IPv6 address embedding an IPv4 address)";
            }
            return null;
        }
        if (IPV4.matcher(host).matches()) {
            return null;
        }
        if (host.length() > 253) {
            return why + " (longer than 253 characters)";
        }
        String[] labels = host.split("\\.", -1);
        for (String label : labels) {
            if (!LABEL.matcher(label).matches()) {
                return why + (label.isEmpty() ? " (an empty label: a leading, trailing or double dot)"
                        : " (a name is letters, digits and hyphens between dots)");
            }
        }
        if (NUMERIC.matcher(labels[labels.length - 1]).matches()) {
            return why + " (an IPv4 address is four decimal numbers 0-255 without leading zeros)";
        }
        return null;
    }

    /** ::a.b.c.d (compatible, but :: and ::1) and 64:ff9b::a.b.c.d (NAT64); mapped ones Java turns into IPv4. */
    private static boolean embedsIpv4(Inet6Address a) {
        byte[] b = a.getAddress();
        boolean first12Zero = true;
        for (int i = 0; i < 12; i++) {
            first12Zero &= b[i] == 0;
        }
        if (first12Zero) {
            return !a.isAnyLocalAddress() && !a.isLoopbackAddress();
        }
        boolean nat64 = (b[0] & 0xff) == 0 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b;
        for (int i = 4; i < 12 && nat64; i++) {
            nat64 = b[i] == 0;
        }
        return nat64;
    }
}
