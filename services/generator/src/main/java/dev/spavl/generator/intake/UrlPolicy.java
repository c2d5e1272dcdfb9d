package dev.spavl.generator.intake;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * Which image URLs may be fetched (no SSRF): http/https only, and by default no host that resolves to
 * a loopback, private (RFC 1918, unique-local fc00::/7), carrier-grade NAT, link-local (cloud metadata
 * lives at 169.254.169.254), multicast or unspecified address. Every resolved address is checked.
 * A host not written canonically (CanonicalHost: {@code 0177.0.0.1}, {@code 127.1}, {@code 0x7f.1}) is refused
 * before any lookup, since other resolvers may read it as another address than Java does. Known gap: the HTTP client resolves the name again when it connects, so a DNS answer that changes
 * between the check and the connection (rebinding) is not caught.
 */
public final class UrlPolicy {

    private final boolean allowPrivate;

    public UrlPolicy(boolean allowPrivate) {
        this.allowPrivate = allowPrivate;
    }

    /** @return null when allowed, otherwise why not */
    public String refusal(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return "only http and https URLs are fetched, not '" + scheme + "'";
        }
        if (uri.getRawUserInfo() != null) {
            return "URLs with user info are refused";
        }
        String host = uri.getHost() != null ? uri.getHost() : authorityHost(uri.getRawAuthority());
        if (host == null || host.isBlank()) {
            return "the URL has no host";
        }
        String notCanonical = CanonicalHost.problem(host);
        if (notCanonical != null) {
            return notCanonical;
        }
        if (allowPrivate) {
            return null;
        }
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            return "the host " + host + " does not resolve";
        }
        for (InetAddress a : addresses) {
            String kind = restrictedKind(a);
            if (kind != null) {
                return host + " resolves to " + a.getHostAddress() + ", a " + kind
                        + " address (set spavl.generator.allow-private-urls=true to allow it)";
            }
        }
        return null;
    }

    /**
     * The host part of an authority java.net.URI could not read as host[:port] (it then has no host): "0x7f.1",
     * "%31%32%37.0.0.1" and the like, so the refusal can name it. Null when there is no authority.
     */
    private static String authorityHost(String authority) {
        if (authority == null) {
            return null;
        }
        String hostPort = authority.substring(authority.lastIndexOf('@') + 1);
        int colon = hostPort.lastIndexOf(':');
        boolean port = colon >= 0 && hostPort.indexOf(']') < colon && hostPort.substring(colon + 1).matches("[0-9]*");
        return port ? hostPort.substring(0, colon) : hostPort;
    }

    static String restrictedKind(InetAddress a) {
        if (a.isLoopbackAddress()) {
            return "loopback";
        }
        if (a.isAnyLocalAddress()) {
            return "unspecified";
        }
        if (a.isLinkLocalAddress()) {
            return "link-local";
        }
        if (a.isSiteLocalAddress()) {
            return "private";
        }
        if (a.isMulticastAddress()) {
            return "multicast";
        }
        byte[] b = a.getAddress();
        if (a instanceof Inet4Address && (b[0] & 0xff) == 100 && (b[1] & 0xc0) == 64) {
            return "carrier-grade NAT";
        }
        if (a instanceof Inet4Address && (b[0] & 0xff) == 0) {
            return "unspecified";
        }
        if (a instanceof Inet6Address && (b[0] & 0xfe) == 0xfc) {
            return "unique-local (private)";
        }
        return null;
    }
}
