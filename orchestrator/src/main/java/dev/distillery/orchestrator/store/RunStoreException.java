package dev.distillery.orchestrator.store;

/** The run store's database could not do what was asked; the message says which operation on which workspace. */
public class RunStoreException extends RuntimeException {

    RunStoreException(String message, Throwable cause) {
        super(message, cause);
    }

    RunStoreException(String message) {
        super(message);
    }
}
