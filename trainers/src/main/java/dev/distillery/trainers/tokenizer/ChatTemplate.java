package dev.distillery.trainers.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import dev.distillery.datasets.model.Conversation;
import dev.distillery.datasets.model.Message;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Renders conversations with a Hugging Face chat template (Jinja, evaluated by jinjava, the engine Jlama bundles).
 *
 * <pre>{@code
 * ChatTemplate t = ChatTemplate.load(modelDir);
 * String text = t.render(conversation, false);   // training text
 * String prompt = t.render(conversation, true);  // ends with "<|im_start|>assistant\n"
 * }</pre>
 *
 * <p>Variables: {@code messages} (role, content, plus name / tool_calls when set), {@code add_generation_prompt},
 * {@code bos_token}, {@code eos_token}, {@code tools} (when given) and the function {@code raise_exception}. Like
 * transformers, blocks are trimmed ({@code trim_blocks}, {@code lstrip_blocks}) and a single trailing newline of
 * the template source is dropped (Jinja's {@code keep_trailing_newline=False}).
 */
public final class ChatTemplate {

    /** The ChatML template (Qwen style, without a default system prompt). */
    public static final String CHATML = "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' "
            + "+ message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}"
            + "{{ '<|im_start|>assistant\\n' }}{% endif %}";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Jinjava JINJAVA = newEngine();

    private final String template;
    private final String bosToken;
    private final String eosToken;

    /**
     * @param template the Jinja source
     * @param bosToken {@code bos_token} as seen by the template (null renders as empty)
     * @param eosToken {@code eos_token} as seen by the template (null renders as empty)
     */
    public ChatTemplate(String template, String bosToken, String eosToken) {
        Objects.requireNonNull(template, "template");
        this.template = template.endsWith("\n") ? template.substring(0, template.length() - 1) : template;
        this.bosToken = bosToken;
        this.eosToken = eosToken;
    }

    /** The template of {@code dir/tokenizer_config.json}; throws when there is none. */
    public static ChatTemplate load(Path dir) throws IOException {
        return of(TokenizerConfig.load(dir));
    }

    /** The template of a loaded config; throws when it has none. */
    public static ChatTemplate of(TokenizerConfig config) {
        if (config.chatTemplate() == null || config.chatTemplate().isBlank()) {
            throw new IllegalStateException("tokenizer_config.json in " + config.dir() + " has no chat_template"
                    + (config.present() ? "" : " (the file does not exist)") + "; conversational training needs one");
        }
        return new ChatTemplate(config.chatTemplate(), config.bosToken(), config.eosToken());
    }

    public String template() {
        return template;
    }

    public String eosToken() {
        return eosToken;
    }

    public String bosToken() {
        return bosToken;
    }

    /** Renders a whole conversation. */
    public String render(Conversation conversation, boolean addGenerationPrompt) {
        return render(conversation.messages(), null, addGenerationPrompt);
    }

    /** Renders messages with optional tool definitions (a JSON array, or null). */
    public String render(List<Message> messages, JsonNode tools, boolean addGenerationPrompt) {
        Map<String, Object> vars = new HashMap<>();
        List<Map<String, Object>> list = new ArrayList<>(messages.size());
        for (Message m : messages) {
            Map<String, Object> msg = new LinkedHashMap<>();
            msg.put("role", m.role().wireName());
            msg.put("content", m.content());
            if (m.name() != null) msg.put("name", m.name());
            if (m.toolCalls() != null) msg.put("tool_calls", JSON.convertValue(m.toolCalls(), Object.class));
            list.add(msg);
        }
        vars.put("messages", list);
        vars.put("add_generation_prompt", addGenerationPrompt);
        vars.put("bos_token", bosToken == null ? "" : bosToken);
        vars.put("eos_token", eosToken == null ? "" : eosToken);
        if (tools != null && !tools.isNull()) vars.put("tools", JSON.convertValue(tools, Object.class));
        RenderResult result = JINJAVA.renderForResult(template, vars);
        List<TemplateError> fatal = result.getErrors().stream()
                .filter(e -> e.getSeverity() == TemplateError.ErrorType.FATAL).toList();
        if (!fatal.isEmpty()) {
            throw new IllegalArgumentException("chat template failed: " + fatal.stream().map(ChatTemplate::describe)
                    .toList());
        }
        return result.getOutput();
    }

    /** jinjava wraps exceptions from functions; the template author's message is at the bottom of the chain. */
    private static String describe(TemplateError error) {
        Throwable root = error.getException();
        while (root != null && root.getCause() != null && root.getCause() != root) root = root.getCause();
        return root == null || root.getMessage() == null ? error.getMessage()
                : error.getMessage() + ": " + root.getMessage();
    }

    /** {@code raise_exception(msg)} as transformers provides it: templates use it to reject unsupported input. */
    public static String raiseException(String message) {
        throw new IllegalArgumentException("chat template raised: " + message);
    }

    private static Jinjava newEngine() {
        // Python-Jinja semantics where jinjava differs: strict whitespace control, snake_case properties,
        // null loop values kept (as transformers' sandboxed Jinja environment behaves).
        JinjavaConfig config = JinjavaConfig.newBuilder()
                .withTrimBlocks(true)
                .withLstripBlocks(true)
                .withLegacyOverrides(LegacyOverrides.newBuilder()
                        .withParseWhitespaceControlStrictly(true)
                        .withUseTrimmingForNotesAndExpressions(true)
                        .withUseSnakeCasePropertyNaming(true)
                        .withKeepNullableLoopValues(true)
                        .build())
                .build();
        Jinjava engine = new Jinjava(config);
        engine.getGlobalContext().registerFunction(new ELFunctionDefinition("", "raise_exception", ChatTemplate.class,
                "raiseException", String.class));
        return engine;
    }
}
