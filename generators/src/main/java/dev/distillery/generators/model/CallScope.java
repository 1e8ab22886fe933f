package dev.distillery.generators.model;

import java.util.function.Supplier;

/**
 * Which flow and stage a model call is made for, so that accounting can attribute tokens and cost without every
 * call site passing them through LangChain4j's {@code ChatRequest} (which has no place for them).
 *
 * <pre>{@code String answer = CallScope.of("self-instruct", "generate").call(() -> model.chat(prompt));}</pre>
 *
 * @param flow  the flow's name
 * @param stage the pipeline stage, or null outside a pipeline
 */
public record CallScope(String flow, String stage) {

    public static final CallScope NONE = new CallScope(null, null);
    private static final ThreadLocal<CallScope> CURRENT = ThreadLocal.withInitial(() -> NONE);

    public static CallScope of(String flow, String stage) {
        return new CallScope(flow, stage);
    }

    /** The scope the current thread runs in; {@link #NONE} outside any. */
    public static CallScope current() {
        return CURRENT.get();
    }

    /** Runs {@code work} with this scope current on this thread, restoring the previous scope after. */
    public <T> T call(Supplier<T> work) {
        CallScope previous = CURRENT.get();
        CURRENT.set(this);
        try {
            return work.get();
        } finally {
            CURRENT.set(previous);
        }
    }
}
