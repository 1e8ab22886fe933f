package dev.distillery.orchestrator.api.access;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;

/**
 * Who may use {@code distillery serve}: on a loopback address anyone on this machine (no token needed), elsewhere only
 * clients that present the configured access token. {@link #forServing} refuses a non-loopback host without a token,
 * so the API is never reachable from the network unprotected.
 *
 * <p>Usage: {@code AccessPolicy p = AccessPolicy.forServing("0.0.0.0", Optional.of(token), Optional.empty());
 * if (!p.accepts(presented)) respond 401;}
 */
public final class AccessPolicy {

    /** Shorter tokens can be guessed; 16 characters of hex are 64 bits. */
    public static final int MIN_TOKEN_LENGTH = 16;

    /** How users set a token, named in every error about one. */
    static final String HOW_TO_SET = "set DISTILLERY_ACCESS_TOKEN (environment), pass `serve --token-file FILE`, "
            + "or set distillery.access-token";

    private final String host;
    private final String token;
    /** SHA-256 of the token: comparing digests takes the same time whatever the presented token's length. */
    private final byte[] tokenDigest;

    private AccessPolicy(String host, String token) {
        this.host = host;
        this.token = token;
        this.tokenDigest = token == null ? null : digest(token);
    }

    /**
     * The policy for serving on {@code host} with the token given directly ({@code distillery.access-token}) or in a
     * file ({@code distillery.access-token-file}; surrounding whitespace such as a final newline is dropped).
     *
     * @throws AccessConfigurationException when the host is not a loopback address and no token is set, when both a
     *                                      token and a token file are set, when the file cannot be read, or when the
     *                                      token is shorter than {@link #MIN_TOKEN_LENGTH}; the message says how to fix it
     */
    public static AccessPolicy forServing(String host, Optional<String> token, Optional<Path> tokenFile) {
        if (token.isPresent() && tokenFile.isPresent()) {
            throw new AccessConfigurationException("both an access token (distillery.access-token / DISTILLERY_ACCESS_TOKEN) "
                    + "and a token file (" + tokenFile.get() + ") are set: keep one");
        }
        Optional<String> effective = tokenFile.isPresent() ? Optional.of(read(tokenFile.get())) : token.map(String::strip);
        if (effective.isPresent()) {
            String t = effective.get();
            String from = tokenFile.map(f -> "the token in " + f).orElse("the access token");
            if (t.length() < MIN_TOKEN_LENGTH) {
                throw new AccessConfigurationException(from + " has " + t.length() + " characters; use at least "
                        + MIN_TOKEN_LENGTH + " (a random one: " + randomToken() + ")");
            }
            if (!t.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
                throw new AccessConfigurationException(from + " must be printable ASCII without spaces "
                        + "(it travels in an HTTP header and a URL)");
            }
            return new AccessPolicy(host, t);
        }
        if (!isLoopback(host)) {
            throw new AccessConfigurationException("refusing to serve on " + host + " without an access token: it is not "
                    + "a loopback address, so anyone who reaches the port could read every run and start new ones. "
                    + "To serve there, " + HOW_TO_SET + "; for example: DISTILLERY_ACCESS_TOKEN=" + randomToken()
                    + " ./distillery serve --host " + host + ". Clients then send `Authorization: Bearer <token>` "
                    + "(the dashboard: open /?token=<token>). Or serve on 127.0.0.1 (the default).");
        }
        return new AccessPolicy(host, null);
    }

    /** The address served on. */
    public String host() {
        return host;
    }

    /** The token, for {@code serve}'s own output (the dashboard link); empty when none is required. */
    public Optional<String> token() {
        return Optional.ofNullable(token);
    }

    /** Whether requests must present the token. */
    public boolean requiresToken() {
        return tokenDigest != null;
    }

    /**
     * Whether {@code presented} (null when the request carried none) lets the request through: always without a
     * configured token, otherwise only the token itself, compared in constant time.
     */
    public boolean accepts(String presented) {
        if (tokenDigest == null) return true;
        if (presented == null) return false;
        return MessageDigest.isEqual(tokenDigest, digest(presented));
    }

    /**
     * Whether {@code host} (a name or an address, IPv6 with or without brackets) means this machine only: every
     * address it resolves to is a loopback address. The wildcard addresses ({@code 0.0.0.0}, {@code ::}) listen on
     * every interface and are not loopback; a name that does not resolve is not either.
     */
    public static boolean isLoopback(String host) {
        if (host == null || host.isBlank()) return false;
        String h = host.strip();
        if (h.startsWith("[") && h.endsWith("]")) h = h.substring(1, h.length() - 1);
        try {
            InetAddress[] all = InetAddress.getAllByName(h);
            for (InetAddress a : all) {
                if (!a.isLoopbackAddress()) return false;
            }
            return all.length > 0;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** A fresh random token (24 bytes, hex), offered in error messages. */
    static String randomToken() {
        byte[] b = new byte[24];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private static String read(Path file) {
        try {
            String t = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (t.isEmpty()) throw new AccessConfigurationException("token file " + file + " is empty; " + HOW_TO_SET.toLowerCase(Locale.ROOT));
            return t;
        } catch (IOException e) {
            throw new AccessConfigurationException("cannot read the token file " + file + ": " + e);
        }
    }

    private static byte[] digest(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    @Override
    public String toString() {
        // Never the token: this may end up in a log.
        return "AccessPolicy[host=" + host + ", token " + (requiresToken() ? "required" : "not required") + "]";
    }
}
