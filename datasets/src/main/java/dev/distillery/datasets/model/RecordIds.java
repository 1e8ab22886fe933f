package dev.distillery.datasets.model;

import dev.distillery.datasets.json.Json;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Content-derived record ids: the same payload always gets the same id, on any machine. */
public final class RecordIds {

    private RecordIds() {
    }

    /** The first 96 bits of the SHA-256 of the payload's canonical JSON, in hex. */
    public static String contentId(Payload payload) {
        return sha256Hex(Json.bytes(payload)).substring(0, 24);
    }

    public static String sha256Hex(byte[] bytes) {
        return HexFormat.of().formatHex(sha256().digest(bytes));
    }

    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
