package dev.distillery.generators.model.accounting;

import dev.distillery.generators.model.CallScope;
import dev.distillery.generators.model.ChatModelDecorator;
import dev.distillery.generators.model.ModelCallException;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.TokenUsage;

import java.util.Objects;

/**
 * Records every call that reaches it (that is, every call the cache did not answer) in a {@link UsageLedger}, under
 * the {@link CallScope} current on the calling thread.
 *
 * <pre>{@code ChatModel counted = new AccountingChatModel(model, "gpt-4o-mini", ledger);}</pre>
 */
public final class AccountingChatModel extends ChatModelDecorator {

    private final String model;
    private final UsageLedger ledger;

    public AccountingChatModel(ChatModel delegate, String model, UsageLedger ledger) {
        super(delegate);
        this.model = Objects.requireNonNull(model, "model");
        this.ledger = Objects.requireNonNull(ledger, "ledger");
    }

    @Override
    public ChatResponse doChat(ChatRequest request) {
        CallScope scope = CallScope.current();
        try {
            ChatResponse response = next(request);
            TokenUsage usage = response.tokenUsage();
            ledger.recordCall(model, scope, usage == null ? null : usage.inputTokenCount(),
                    usage == null ? null : usage.outputTokenCount(), 1);
            return response;
        } catch (ModelCallException e) {
            ledger.recordFailure(model, scope, e.kind(), e.attempts());
            throw e;
        } catch (RuntimeException e) {
            ledger.recordFailure(model, scope, ModelCallException.Kind.OTHER, 1);
            throw e;
        }
    }
}
