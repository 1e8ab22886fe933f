package dev.distillery.datasets.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.distillery.datasets.json.Json;

import java.io.UncheckedIOException;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Content-derived record ids: the same payload always gets the same id, on any machine. */
public final class RecordIds {

    /** Written as {@link Payload}, so the type name is part of the hash. */
    private static final ObjectWriter PAYLOAD_WRITER = Json.MAPPER.writerFor(Payload.class);

    private RecordIds() {
    }

    /** The first 96 bits of the SHA-256 of the payload's canonical JSON, in hex. */
    public static String contentId(Payload payload) {
        try {
            return sha256Hex(PAYLOAD_WRITER.writeValueAsBytes(payload)).substring(0, 24);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
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
