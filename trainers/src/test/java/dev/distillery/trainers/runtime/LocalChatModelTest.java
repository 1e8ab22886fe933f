package dev.distillery.trainers.runtime;

import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.output.FinishReason;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LocalChatModelTest {

    LocalModel model;

    @BeforeAll
    void load() {
        model = LocalModel.load(TinyRuntimeModels.model());
    }

    @AfterAll
    void close() {
        model.close();
    }

    static ChatRequest.Builder question() {
        return ChatRequest.builder().messages(SystemMessage.from("Be brief."), UserMessage.from("what is 2+2?"));
    }

    @Test
    void greedyRequestWithAnOutputLimitReportsUsageAndLength() {
        LocalChatModel chat = LocalChatModel.builder(model).build();
        ChatResponse r = chat.chat(question().temperature(0.0).maxOutputTokens(5).build());
        assertTrue(r.tokenUsage().outputTokenCount() <= 5);
        int prompt = model.tokenizer().encode(model.chatTemplate().orElseThrow().render(
                ChatSupport.conversation(question().build().messages()), true)).length;
        assertEquals(prompt, r.tokenUsage().inputTokenCount(), "input = rendered prompt tokens");
        LocalChatResponseMetadata meta = assertInstanceOf(LocalChatResponseMetadata.class, r.metadata());
        if (meta.sample().finishReason() == GenerationResult.FinishReason.LENGTH) {
            assertEquals(FinishReason.LENGTH, r.finishReason());
            assertEquals(5, r.tokenUsage().outputTokenCount());
        }
        assertEquals(FinishReason.LENGTH, r.finishReason(), "the tiny random model does not stop within 5 tokens");
        assertEquals(meta.sample().text(), r.aiMessage().text());
        assertEquals(5, meta.sample().logProbs().length);
        // Same answer as the Generator, greedy.
        GenerationResult g = new Generator(model).generate(GenerationRequest.builder(
                Prompt.chat(ChatSupport.conversation(question().build().messages()))).maxNewTokens(5).build());
        assertEquals(g.first().text(), r.aiMessage().text());
    }

    @Test
    void builderDefaultsApplyAndRequestParametersOverrideThem() {
        LocalChatModel greedy = LocalChatModel.builder(model).temperature(0.0).maxOutputTokens(3).build();
        assertEquals(0.0, greedy.defaultRequestParameters().temperature());
        ChatResponse a = greedy.chat(question().build());
        ChatResponse b = greedy.chat(question().build());
        assertEquals(a.aiMessage().text(), b.aiMessage().text());
        assertEquals(3, a.tokenUsage().outputTokenCount());
        ChatResponse longer = greedy.chat(question().maxOutputTokens(6).build());
        assertEquals(6, longer.tokenUsage().outputTokenCount());
        assertTrue(longer.aiMessage().text().startsWith(a.aiMessage().text()));

        // Seeds: builder default, per request through LocalChatRequestParameters.
        LocalChatModel sampled = LocalChatModel.builder(model).temperature(1.0).maxOutputTokens(8).seed(5L).build();
        ChatResponse s1 = sampled.chat(question().build());
        ChatResponse s2 = sampled.chat(question().build());
        assertEquals(s1.aiMessage().text(), s2.aiMessage().text());
        assertEquals(5L, ((LocalChatResponseMetadata) s1.metadata()).seed());
        ChatResponse s3 = sampled.chat(question().parameters(LocalChatRequestParameters.builder().seed(6L).build()).build());
        assertEquals(6L, ((LocalChatResponseMetadata) s3.metadata()).seed());
        assertNotEquals(((LocalChatResponseMetadata) s1.metadata()).sample(), ((LocalChatResponseMetadata) s3.metadata()).sample());
    }

    @Test
    void stopSequencesEndTheAnswer() {
        LocalChatModel chat = LocalChatModel.builder(model).temperature(0.0).maxOutputTokens(16).build();
        String full = chat.chat(question().build()).aiMessage().text();
        String stop = full.substring(3, 5);
        ChatResponse r = chat.chat(question().stopSequences(List.of(stop)).build());
        assertEquals(full.substring(0, full.indexOf(stop)), r.aiMessage().text());
        assertEquals(FinishReason.STOP, r.finishReason());
    }

    @Test
    void fourThreadsGetTheSameGreedyAnswer() throws Exception {
        LocalChatModel chat = LocalChatModel.builder(model).temperature(0.0).maxOutputTokens(12).build();
        ChatResponse single = chat.chat(question().build());
        String expected = single.aiMessage().text();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<ChatResponse>> futures = new ArrayList<>();
            for (int i = 0; i < 8; i++) futures.add(pool.submit(() -> chat.chat(question().build())));
            for (Future<ChatResponse> f : futures) {
                ChatResponse r = f.get();
                assertEquals(expected, r.aiMessage().text());
                assertEquals(single.tokenUsage(), r.tokenUsage());
                assertEquals(single.finishReason(), r.finishReason());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void streamingDeliversTheSameTextInPieces() {
        LocalStreamingChatModel streaming = LocalStreamingChatModel.builder(model).temperature(0.0).maxOutputTokens(10).build();
        StringBuilder parts = new StringBuilder();
        AtomicReference<ChatResponse> done = new AtomicReference<>();
        AtomicReference<Throwable> error = new AtomicReference<>();
        streaming.chat(question().build(), new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(String partialResponse) {
                parts.append(partialResponse);
            }

            @Override
            public void onCompleteResponse(ChatResponse completeResponse) {
                done.set(completeResponse);
            }

            @Override
            public void onError(Throwable t) {
                error.set(t);
            }
        });
        assertNull(error.get());
        ChatResponse blocking = LocalChatModel.builder(model).temperature(0.0).maxOutputTokens(10).build()
                .chat(question().build());
        assertEquals(blocking.aiMessage().text(), done.get().aiMessage().text());
        assertEquals(done.get().aiMessage().text(), parts.toString());
        assertEquals(blocking.tokenUsage(), done.get().tokenUsage());
    }

    @Test
    void unsupportedFeaturesAreRefused() {
        LocalChatModel chat = LocalChatModel.builder(model).build();
        assertThrows(UnsupportedFeatureException.class, () -> chat.chat(question().frequencyPenalty(0.5).build()));
        assertThrows(UnsupportedFeatureException.class, () -> chat.chat(ChatRequest.builder().messages(
                UserMessage.from("hi"), ToolExecutionResultMessage.from("id", "tool", "42")).build()));
        assertTrue(chat.supportedCapabilities().isEmpty());
    }
}
