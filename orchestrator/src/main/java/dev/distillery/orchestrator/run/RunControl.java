package dev.distillery.orchestrator.run;

import java.util.concurrent.atomic.AtomicBoolean;

/** Cancellation of a run: a flag the stages check between items, and an interrupt for those blocked on input. */
public final class RunControl {

    private final AtomicBoolean cancelled = new AtomicBoolean();

    public void cancel() {
        cancelled.set(true);
    }

    public boolean isCancelled() {
        return cancelled.get();
    }

    void checkCancelled() {
        if (cancelled.get()) throw new StageInput.CancelledException();
    }
}
