package dev.distillery.datasets.format;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.distillery.datasets.io.FieldException;
import dev.distillery.datasets.model.DataRecord;

/**
 * A training-data row layout (TRL messages, ShareGPT, Alpaca, ...) mapped onto {@link DataRecord}s. This is the one
 * extension point for formats: a plugin lists its implementations in
 * {@code META-INF/services/dev.distillery.datasets.format.RecordFormat} and {@link Formats} finds them.
 *
 * <pre>{@code
 * RecordFormat in = Formats.byName("sharegpt"), out = Formats.byName("trl-messages");
 * LossReport loss = new LossReport();
 * ObjectNode row = out.encode(in.decode(sharegptRow), loss);
 * loss.lines().forEach(System.err::println);
 * }</pre>
 *
 * <p>Contract every implementation keeps:
 * <ul>
 *   <li>{@link #decode} passes a null id, so records get the content id: identical rows share an id.</li>
 *   <li>Top-level fields the format does not model go into {@code SourceFields(name(), fields)}; {@link #encode}
 *       writes them back only when the record's source format is this format, so a round trip through one format is
 *       lossless while a conversion never smuggles foreign columns into a trainer's input.</li>
 *   <li>{@link #encode} throws {@link CannotCarryException} when the payload shape does not fit at all, and notes
 *       every part it drops in the {@link LossReport}; it never drops anything silently.</li>
 * </ul>
 */
public interface RecordFormat {

    /** The name users type, e.g. {@code trl-messages}. */
    String name();

    /** One line for {@code --help}. */
    String description();

    /**
     * How well {@code row} fits this format: 0 when it is not this format, higher when it is more specific, so that
     * auto-detection prefers the layout that explains the most keys.
     */
    int match(ObjectNode row);

    /**
     * Reads one row.
     *
     * @throws FieldException naming the JSON path of the bad field and what was expected
     */
    DataRecord decode(ObjectNode row);

    /**
     * Writes one record as a row of this format.
     *
     * @param loss where parts this format cannot carry are noted (once per record and kind of loss)
     * @throws CannotCarryException when the payload shape cannot be represented in this format
     */
    ObjectNode encode(DataRecord record, LossReport loss);
}
