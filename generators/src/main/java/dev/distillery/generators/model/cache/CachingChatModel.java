package dev.distillery.generators.model.cache;

import dev.distillery.generators.model.CallScope;
import dev.distillery.generators.model.ChatModelDecorator;
import dev.distillery.generators.model.ModelIdentity;
import dev.distillery.generators.model.accounting.UsageLedger;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;

/**
 * The call cache: answers a call from the {@link CallCacheStore} when the same request (see {@link CacheKey}) was
 * answered before, in this run or an earlier one, and makes identical calls in flight at the same time share one
 * paid call. Only answers are cached; a failed call is asked again next time.
 *
 * <pre>{@code ChatModel cached = new CachingChatModel(model, identity, FileCallCacheStore.open(file), ledger);}</pre>
 */
public final class CachingChatModel extends ChatModelDecorator {

    private final ModelIdentity identity;
    private final CallCacheStore store;
    private final UsageLedger ledger;
    private final ConcurrentHashMap<String, CompletableFuture<ChatResponse>> inFlight = new ConcurrentHashMap<>();

    /** @param ledger where cache hits are counted, or null */
    public CachingChatModel(ChatModel delegate, ModelIdentity identity, CallCacheStore store, UsageLedger ledger) {
        super(delegate);
        this.identity = Objects.requireNonNull(identity, "identity");
        this.store = Objects.requireNonNull(store, "store");
        this.ledger = ledger;
    }

    @Override
    public ChatResponse doChat(ChatRequest request) {
        String key = CacheKey.of(identity, request);
        Optional<CachedCall> hit = store.get(key);
        if (hit.isPresent()) return hit(hit.get().toResponse());

        CompletableFuture<ChatResponse> mine = new CompletableFuture<>();
        CompletableFuture<ChatResponse> running = inFlight.putIfAbsent(key, mine);
        if (running != null) return hit(await(running));
        try {
            // The call that just finished may have stored its answer between our lookup and our registration.
            hit = store.get(key);
            ChatResponse response;
            if (hit.isPresent()) {
                response = hit(hit.get().toResponse());
            } else {
                response = next(request);
                if (CachedCall.cacheable(response)) store.put(CachedCall.of(key, response));
            }
            mine.complete(response);
            return response;
        } catch (RuntimeException | Error e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            inFlight.remove(key, mine);
        }
    }

    private ChatResponse hit(ChatResponse response) {
        if (ledger != null) ledger.recordCacheHit(identity.model(), CallScope.current());
        return response;
    }

    private static ChatResponse await(CompletableFuture<ChatResponse> running) {
        try {
            return running.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for an identical call in flight", e);
        } catch (ExecutionException | CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) throw re;
            if (cause instanceof Error err) throw err;
            throw new IllegalStateException(cause);
        }
    }
}
