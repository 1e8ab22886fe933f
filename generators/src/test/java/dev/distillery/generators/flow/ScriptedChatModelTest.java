package dev.distillery.generators.flow;

import dev.distillery.generators.model.ModelCallException;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The test double itself must behave as documented, or the conformance base proves nothing. */
class ScriptedChatModelTest {

    static ChatRequest ask(String system, String user) {
        return ChatRequest.builder().messages(List.of(SystemMessage.from(system), UserMessage.from(user))).build();
    }

    @Test
    void inOrderAnswersThenRepeatsTheLast() {
        ScriptedChatModel m = ScriptedChatModel.inOrder("one", "two");
        assertEquals(List.of("one", "two", "two"), List.of(m.chat("a"), m.chat("b"), m.chat("c")));
        assertEquals(3, m.calls());
    }

    @Test
    void scriptsSeeTheWholeRolePrefixedPromptAndReportUsage() {
        ScriptedChatModel m = ScriptedChatModel.answering(p -> p.contains("system: Be brief.\nuser: Hi") ? "Hello" : "?").named("gpt-x");
        ChatResponse r = m.chat(ask("Be brief.", "Hi"));
        assertEquals("Hello", r.aiMessage().text());
        assertEquals("gpt-x", r.modelName());
        assertEquals(FinishReason.STOP, r.finishReason());
        assertEquals("system: Be brief.\nuser: Hi\n".length() / 4 + 1, r.tokenUsage().inputTokenCount());
        assertEquals(List.of("system: Be brief.\nuser: Hi\n"), m.prompts());
    }

    @Test
    void failingAndTruncatingModels() {
        ModelCallException e = assertThrows(ModelCallException.class,
                () -> ScriptedChatModel.failing(ModelCallException.Kind.SERVER_ERROR).chat("x"));
        assertEquals(ModelCallException.Kind.SERVER_ERROR, e.kind());
        assertEquals(FinishReason.LENGTH, ScriptedChatModel.truncating(p -> "cut").chat(ask("s", "u")).finishReason());
    }
}
