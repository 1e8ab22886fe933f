package dev.distillery.datasets.format;

/**
 * A record's payload does not fit a format at all, e.g. a chat written as a DPO pair. Thrown by
 * {@link RecordFormat#encode}; a converter usually counts these and tells the user which format would fit.
 *
 * <pre>{@code
 * try { row = format.encode(record, loss); } catch (CannotCarryException e) { skipped.add(e.getMessage()); }
 * }</pre>
 */
public class CannotCarryException extends RuntimeException {

    private final String format;
    private final String payloadType;
    private final String reason;

    /**
     * @param format      the format that was asked to write the record
     * @param payloadType the record's payload type, e.g. {@code chat}
     * @param reason      what the format needs instead, e.g. "it needs prompt, chosen and rejected"
     */
    public CannotCarryException(String format, String payloadType, String reason) {
        super(format + " cannot carry a '" + payloadType + "' record: " + reason);
        this.format = format;
        this.payloadType = payloadType;
        this.reason = reason;
    }

    public String format() {
        return format;
    }

    public String payloadType() {
        return payloadType;
    }

    public String reason() {
        return reason;
    }
}
