package dev.distillery.orchestrator.store;

/**
 * Another process holds the run store (a {@code distillery run} or {@code serve}); read {@link StoreSnapshot} instead
 * to see what it is doing.
 */
public final class StoreInUseException extends RunStoreException {

    StoreInUseException(String message, Throwable cause) {
        super(message, cause);
    }
}
