package com.drresponder.credentials;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/** An IPv4 or IPv6 CIDR block, parsed from literals only (never a DNS lookup). */
record Cidr(byte[] network, int prefix, String text) {
    private static final Pattern IPV4 = Pattern.compile("((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*");

    /** {@code a.b.c.d[/n]} or an IPv6 literal {@code [/n]}; a bare address is a single host. */
    static Cidr parse(String text) {
        String[] parts = text.split("/", -1);
        if (parts.length > 2) {
            throw new IllegalArgumentException("not a CIDR block: " + text);
        }
        byte[] address = literal(parts[0]);
        int max = address.length * 8;
        int prefix;
        try {
            prefix = parts.length == 2 ? Integer.parseInt(parts[1]) : max;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a CIDR block: " + text, e);
        }
        if (prefix < 0 || prefix > max) {
            throw new IllegalArgumentException("prefix out of range in " + text);
        }
        return new Cidr(address, prefix, text);
    }

    /** The address as bytes when {@code text} is an IPv4 or IPv6 literal; else an IllegalArgumentException. */
    static byte[] literal(String text) {
        if (!IPV4.matcher(text).matches() && !IPV6.matcher(text).matches()) {
            throw new IllegalArgumentException("not an IP address: " + text);
        }
        try {
            return InetAddress.getByName(text).getAddress(); // a literal: parsed, never resolved
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address: " + text, e);
        }
    }

    boolean isIpv6() {
        return network.length == 16;
    }

    /** Whether this block contains every address of {@code other} (same family, longer or equal prefix, same leading bits). */
    boolean contains(Cidr other) {
        if (other.network.length != network.length || other.prefix < prefix) {
            return false;
        }
        for (int bit = 0; bit < prefix; bit++) {
            int mask = 0x80 >>> (bit % 8);
            if ((network[bit / 8] & mask) != (other.network[bit / 8] & mask)) {
                return false;
            }
        }
        return true;
    }
}
