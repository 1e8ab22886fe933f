package dev.distillery.generators.model.provider;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The API keys this process has read from the environment, so that any text that leaves the model-access layer
 * (exception messages, dead-letter reasons) can be scrubbed of them. Providers sometimes echo a key back in an error
 * body ("Incorrect API key provided: sk-..."); a dead-letter file must never carry it.
 *
 * <pre>{@code String safe = Secrets.redact(errorBody);}</pre>
 */
public final class Secrets {

    private static final Set<String> KNOWN = ConcurrentHashMap.newKeySet();

    private Secrets() {
    }

    static void register(String secret) {
        // Very short values would redact ordinary words; real keys are long.
        if (secret != null && secret.length() >= 8) KNOWN.add(secret);
    }

    /** {@code text} with every known key replaced by {@code ***}; null stays null. */
    public static String redact(String text) {
        if (text == null || KNOWN.isEmpty()) return text;
        String out = text;
        for (String secret : KNOWN) {
            if (out.contains(secret)) out = out.replace(secret, "***");
        }
        return out;
    }
}
