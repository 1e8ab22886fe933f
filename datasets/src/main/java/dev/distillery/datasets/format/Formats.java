package dev.distillery.datasets.format;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.distillery.datasets.spi.Names;
import dev.distillery.datasets.spi.PluginOrigin;
import dev.distillery.datasets.spi.Plugins;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The registry of {@link RecordFormat}s: the built-ins plus any a plugin registers through
 * {@code META-INF/services/dev.distillery.datasets.format.RecordFormat}.
 *
 * <pre>{@code
 * RecordFormat f = Formats.byName("trl-dpo");
 * RecordFormat guessed = Formats.detect(firstRows);
 * }</pre>
 */
public final class Formats {

    private Formats() {
    }

    /**
     * Formats are stateless, so the registry is built once and rebuilt only when the plugins directory changed
     * ({@link Plugins#generation()}): format lookups sit on every read and write.
     */
    private static final class Registry {
        private record Loaded(long generation, Map<String, RecordFormat> byName) {
        }

        private static volatile Loaded loaded;

        static Map<String, RecordFormat> byName() {
            Loaded l = loaded;
            long g = Plugins.generation();
            if (l == null || l.generation() != g) {
                l = new Loaded(g, load());
                loaded = l;
            }
            return l.byName();
        }
    }

    /** Every known format, built-ins first, in registration order (which also breaks detection ties). */
    public static List<RecordFormat> all() {
        return List.copyOf(Registry.byName().values());
    }

    /**
     * The format called {@code name}.
     *
     * @throws IllegalArgumentException for an unknown name, with the closest known name and the full list
     */
    public static RecordFormat byName(String name) {
        RecordFormat f = name == null ? null : Registry.byName().get(name);
        if (f != null) return f;
        StringBuilder msg = new StringBuilder("unknown format '").append(name).append("'");
        String closest = closest(name, Registry.byName().keySet());
        if (closest != null) msg.append("; did you mean '").append(closest).append("'?");
        msg.append(" Known formats: ").append(String.join(", ", Registry.byName().keySet()));
        throw new IllegalArgumentException(msg.toString());
    }

    /**
     * The format that best explains {@code sampleRows}: the one matching the most rows, then the highest total
     * {@link RecordFormat#match} score, then registration order.
     *
     * @throws IllegalArgumentException when no format matches any row, showing the first row's keys
     */
    public static RecordFormat detect(List<ObjectNode> sampleRows) {
        if (sampleRows == null || sampleRows.isEmpty()) {
            throw new IllegalArgumentException("cannot detect the format of an empty input; name it with --from (CLI) or pass the format name. "
                    + "Known formats: " + String.join(", ", Registry.byName().keySet()));
        }
        RecordFormat best = null;
        int bestRows = 0;
        long bestScore = 0;
        for (RecordFormat f : Registry.byName().values()) {
            int rows = 0;
            long score = 0;
            for (ObjectNode row : sampleRows) {
                int s = f.match(row);
                if (s > 0) {
                    rows++;
                    score += s;
                }
            }
            if (rows > bestRows || (rows == bestRows && score > bestScore)) {
                best = f;
                bestRows = rows;
                bestScore = score;
            }
        }
        if (best == null) {
            List<String> keys = new ArrayList<>();
            sampleRows.get(0).fieldNames().forEachRemaining(keys::add);
            throw new IllegalArgumentException("cannot tell the format: the first row has keys " + keys
                    + " and no known format matches; name it with --from (CLI) or pass the format name. Known formats:\n"
                    + Registry.byName().values().stream().map(f -> "  " + f.name() + ": " + f.description())
                    .collect(Collectors.joining("\n")));
        }
        return best;
    }

    private static Map<String, RecordFormat> load() {
        Map<String, RecordFormat> byName = new LinkedHashMap<>();
        for (RecordFormat f : Plugins.load(RecordFormat.class)) {
            RecordFormat existing = byName.putIfAbsent(f.name(), f);
            if (existing != null && Plugins.origin(RecordFormat.class, f).kind() == PluginOrigin.Kind.PLUGINS_DIR) {
                // A jar dropped into the plugins directory must not break every read and write: skip it, loudly.
                System.getLogger(Formats.class.getName()).log(System.Logger.Level.WARNING, "skipping record format '"
                        + f.name() + "' of " + Plugins.origin(RecordFormat.class, f).describe()
                        + ": the name is taken by " + existing.getClass().getName());
            } else if (existing != null) {
                throw new IllegalStateException("two record formats are named '" + f.name() + "': "
                        + existing.getClass().getName() + " and " + f.getClass().getName());
            }
        }
        return byName;
    }

    /** The known name within a small edit distance of {@code name}, or null. */
    static String closest(String name, Iterable<String> known) {
        return Names.closest(name, known);
    }
}
