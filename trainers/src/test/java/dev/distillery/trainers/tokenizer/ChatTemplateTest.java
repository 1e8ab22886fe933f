package dev.distillery.trainers.tokenizer;

import dev.distillery.datasets.model.Conversation;
import dev.distillery.datasets.model.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChatTemplateTest {

    static final Conversation THREE_TURNS = Conversation.of(
            Message.system("You are terse."),
            Message.user("Wie spät ist es?"),
            Message.assistant("Zwölf Uhr. 🕛"));

    @Test
    void rendersChatMlExactly() throws Exception {
        ChatTemplate t = ChatTemplate.load(Fixtures.dir());
        assertEquals("<|im_start|>system\nYou are terse.<|im_end|>\n"
                + "<|im_start|>user\nWie spät ist es?<|im_end|>\n"
                + "<|im_start|>assistant\nZwölf Uhr. 🕛<|im_end|>\n", t.render(THREE_TURNS, false));
        assertEquals("<|im_start|>system\nYou are terse.<|im_end|>\n"
                + "<|im_start|>user\nWie spät ist es?<|im_end|>\n<|im_start|>assistant\n",
                t.render(THREE_TURNS.subList(0, 2), true));
        assertEquals("<|im_end|>", t.eosToken());
    }

    @Test
    void exposesBosAndEosAndRaiseException() {
        ChatTemplate t = new ChatTemplate("{{ bos_token }}{% for m in messages %}{{ m['content'] }}{% endfor %}"
                + "{{ eos_token }}\n", "<s>", "</s>");
        assertEquals("<s>hi</s>", t.render(Conversation.of(Message.user("hi")), false), "one trailing newline dropped");
        ChatTemplate failing = new ChatTemplate("{% if messages[0]['role'] != 'user' %}"
                + "{{ raise_exception('must start with user') }}{% endif %}ok", null, null);
        assertEquals("ok", failing.render(Conversation.of(Message.user("x")), false));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> failing.render(Conversation.of(Message.assistant("x")), false));
        assertTrue(e.getMessage().contains("must start with user"), e.getMessage());
    }

    @Test
    void missingTemplateIsAClearError(@TempDir Path dir) throws Exception {
        IllegalStateException absent = assertThrows(IllegalStateException.class, () -> ChatTemplate.load(dir));
        assertTrue(absent.getMessage().startsWith("tokenizer_config.json in " + dir + " has no chat_template"),
                absent.getMessage());
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"eos_token\": \"<|im_end|>\"}");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ChatTemplate.load(dir));
        assertEquals("tokenizer_config.json in " + dir + " has no chat_template; conversational training needs one",
                e.getMessage());
    }

    @Test
    void readsNamedTemplateListsAndTokenObjects(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("tokenizer_config.json"), """
                {"chat_template": [{"name": "tool_use", "template": "T"}, {"name": "default", "template": "D"}],
                 "eos_token": {"content": "<|im_end|>", "special": true}}""");
        TokenizerConfig cfg = TokenizerConfig.load(dir);
        assertEquals("D", cfg.chatTemplate());
        assertEquals("<|im_end|>", cfg.eosToken());
    }
}
