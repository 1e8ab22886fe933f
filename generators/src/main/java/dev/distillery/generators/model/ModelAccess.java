package dev.distillery.generators.model;

import dev.distillery.generators.model.accounting.AccountingChatModel;
import dev.distillery.generators.model.accounting.UsageLedger;
import dev.distillery.generators.model.cache.CachingChatModel;
import dev.distillery.generators.model.cache.CallCacheStore;
import dev.distillery.generators.model.concurrency.AimdLimiter;
import dev.distillery.generators.model.provider.Providers;
import dev.distillery.generators.model.retry.RetryPolicy;
import dev.distillery.generators.model.retry.RetryingChatModel;
import dev.langchain4j.model.chat.ChatModel;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * The one entry point for reaching a model: stacks, from the outside, the call cache, token and cost accounting,
 * adaptive concurrency with retries and timeouts, and the provider, and returns a plain LangChain4j
 * {@link ChatModel}. A call that finally fails throws {@link ModelCallException} with its {@link ModelCallException.Kind}
 * (write a {@link DeadLetter}). The spec is checked in {@link Builder#build()}, before any call can be paid for.
 *
 * <pre>{@code
 * ChatModel teacher = ModelAccess.builder()
 *         .provider(spec)                                   // ProviderSpec from pipeline.yaml
 *         .cache(FileCallCacheStore.open(runDir.resolve("calls.jsonl")))
 *         .ledger(ledger)
 *         .concurrency(AimdLimiter.builder().initialLimit(8).maxLimit(64))
 *         .retries(RetryPolicy.defaults().withMaxAttempts(5))
 *         .timeout(Duration.ofSeconds(60))
 *         .build();
 * String answer = CallScope.of("self-instruct", "generate").call(() -> teacher.chat("..."));
 * }</pre>
 *
 * <p>Admission by the AIMD limiter happens per attempt, inside the retry loop (see {@link RetryingChatModel}): a
 * caller waiting out a {@code Retry-After} must not hold one of the endpoint's slots.
 */
public final class ModelAccess {

    private ModelAccess() {
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Configuration of one model-access stack; only a provider (or a model) is required. */
    public static final class Builder {
        private ProviderSpec spec;
        private ChatModel model;
        private ModelIdentity identity;
        private Function<String, String> env = System::getenv;
        private CallCacheStore cache;
        private UsageLedger ledger;
        private AimdLimiter limiter;
        private AimdLimiter.Builder limiterSettings = AimdLimiter.builder();
        private RetryPolicy retries = RetryPolicy.defaults();
        private Duration timeout;

        private Builder() {
        }

        /** The model to reach, by configuration. */
        public Builder provider(ProviderSpec spec) {
            this.spec = Objects.requireNonNull(spec, "spec");
            this.model = null;
            return this;
        }

        /** A model built elsewhere (a local engine, a test double at the protocol boundary) and who it is. */
        public Builder model(ChatModel model, ModelIdentity identity) {
            this.model = Objects.requireNonNull(model, "model");
            this.identity = Objects.requireNonNull(identity, "identity");
            this.spec = null;
            return this;
        }

        /** Where API keys are read from; {@link System#getenv} unless set (tests pass a map). */
        public Builder environment(Map<String, String> env) {
            Map<String, String> copy = Map.copyOf(env);
            this.env = copy::get;
            return this;
        }

        /** The call cache; none unless set. */
        public Builder cache(CallCacheStore store) {
            this.cache = store;
            return this;
        }

        /** The usage ledger; none unless set. The spec's price, if any, is registered in it. */
        public Builder ledger(UsageLedger ledger) {
            this.ledger = ledger;
            return this;
        }

        /**
         * Settings of the endpoint's AIMD limiter. Stacks over the same endpoint share one process-wide limiter, made
         * from the settings of whichever was built first.
         */
        public Builder concurrency(AimdLimiter.Builder settings) {
            this.limiterSettings = Objects.requireNonNull(settings, "settings");
            return this;
        }

        /** Shorthand: limiter between 1 and {@code max}, starting at min(8, max). */
        public Builder maxConcurrency(int max) {
            return concurrency(AimdLimiter.builder().maxLimit(max).initialLimit(Math.min(8, max)));
        }

        /** A limiter of one's own instead of the endpoint's shared one (tests, benchmarks, isolated runs). */
        public Builder limiter(AimdLimiter limiter) {
            this.limiter = limiter;
            return this;
        }

        public Builder retries(RetryPolicy policy) {
            this.retries = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** Per attempt; overrides the retry policy's timeout. */
        public Builder timeout(Duration timeout) {
            this.timeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * Checks the configuration and stacks the decorators. Throws {@link IllegalArgumentException} naming the file
         * and field of every problem in the spec; nothing has been sent by then.
         */
        public ChatModel build() {
            RetryPolicy policy = timeout == null ? retries : retries.withTimeout(timeout);
            ChatModel raw;
            ModelIdentity id;
            if (spec != null) {
                Providers.Resolved resolved = Providers.resolve(spec, env);
                id = resolved.identity();
                raw = resolved.build(policy.timeout());
                if (ledger != null && spec.price() != null) ledger.price(id.model(), spec.price());
            } else if (model != null) {
                raw = model;
                id = identity;
            } else {
                throw new IllegalStateException("ModelAccess needs a provider(spec) or a model(model, identity)");
            }
            AimdLimiter admission = limiter != null ? limiter : AimdLimiter.shared(id.endpoint(), limiterSettings);
            ChatModel stack = new RetryingChatModel(raw, policy, admission);
            if (ledger != null) stack = new AccountingChatModel(stack, id.model(), ledger);
            if (cache != null) stack = new CachingChatModel(stack, id, cache, ledger);
            return stack;
        }
    }
}
