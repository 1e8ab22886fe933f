package dev.distillery.judges.spi;

import dev.langchain4j.model.chat.ChatModel;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What a {@link JudgeProvider} needs to build a judge: its settings, the models it may call, and where a user keeps
 * prompt overrides.
 *
 * @param settings  provider-specific settings by {@link JudgeParameter#name()}; values as parsed from YAML/JSON
 * @param models    the chat models the judge may call (one for most judges, several for a jury); may be empty
 * @param promptDir a directory whose files override the built-in prompt resources; may be null
 * @param source    where the config came from (file and path inside it), for error messages; may be null
 */
public record JudgeConfig(Map<String, Object> settings, List<ChatModel> models, Path promptDir, String source) {

    public JudgeConfig {
        settings = settings == null ? Map.of() : Map.copyOf(settings);
        models = models == null ? List.of() : List.copyOf(models);
    }
}
