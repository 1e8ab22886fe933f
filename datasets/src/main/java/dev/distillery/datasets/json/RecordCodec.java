package dev.distillery.datasets.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.distillery.datasets.io.FieldException;
import dev.distillery.datasets.model.DataRecord;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Distillery's own record JSON (the {@code distillery} format): every field of {@link DataRecord}, one object per
 * line. Binds bytes straight to records, without an intermediate tree, because every dataset shard goes through here.
 */
public final class RecordCodec {

    private static final ObjectReader READER = Json.MAPPER.readerFor(DataRecord.class);
    private static final ObjectWriter WRITER = Json.MAPPER.writerFor(DataRecord.class);

    private RecordCodec() {
    }

    /** Decodes one JSON object; a wrong value becomes a {@link FieldException} naming its path. */
    public static DataRecord decode(byte[] buf, int offset, int length) {
        try {
            DataRecord r = READER.readValue(buf, offset, length);
            if (r == null) throw new FieldException(null, "expected a JSON object, found null");
            return r;
        } catch (JsonProcessingException e) {
            throw JsonErrors.toFieldException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static DataRecord decode(JsonNode row) {
        try {
            return READER.readValue(row);
        } catch (JsonProcessingException e) {
            throw JsonErrors.toFieldException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One compact JSON object, no trailing newline. */
    public static byte[] encode(DataRecord record) {
        try {
            return WRITER.writeValueAsBytes(record);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
