package dev.distillery.generators.flow;

/**
 * A flow cannot run as configured: unknown flow or setting, a bad value, a missing model role. Thrown before any
 * model call is made; the message names the flow and the setting, and where the config came from when known.
 */
public class FlowConfigException extends IllegalArgumentException {

    public FlowConfigException(String message) {
        super(message);
    }
}
