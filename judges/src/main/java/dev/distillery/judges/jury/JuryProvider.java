package dev.distillery.judges.jury;

import dev.distillery.judges.JudgeSettings;
import dev.distillery.judges.Judges;
import dev.distillery.judges.spi.Judge;
import dev.distillery.judges.spi.JudgeConfig;
import dev.distillery.judges.spi.JudgeParameter;
import dev.distillery.judges.spi.JudgeProvider;
import dev.langchain4j.model.chat.ChatModel;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Registers {@link Jury} as {@code jury}: one juror per configured model, each built by the {@code juror} provider
 * with the {@code juror-settings} map.
 */
public final class JuryProvider implements JudgeProvider {

    @Override
    public String name() {
        return "jury";
    }

    @Override
    public String description() {
        return "several judges (one per model) aggregated by mean, median or majority, with their agreement reported";
    }

    @Override
    public Kind kind() {
        return Kind.JUDGE;
    }

    @Override
    public List<JudgeParameter> parameters() {
        return List.of(
                new JudgeParameter("name", "identity stored with each score; default jury-<aggregation>:<juror names>", ""),
                new JudgeParameter("juror", "the single-answer judge each model runs as", "single-grade"),
                new JudgeParameter("juror-settings", "settings map passed to every juror's provider", "{}"),
                new JudgeParameter("aggregation", "mean, median or majority", "mean"),
                new JudgeParameter("tolerance", "how far from a mean/median a score may be and still agree", "1.0"),
                new JudgeParameter("quorum", "jurors that must score for the jury to score; default half, rounded up", ""));
    }

    @Override
    public Judge createJudge(JudgeConfig config) {
        JudgeSettings s = JudgeSettings.of(config, parameters(), name());
        if (config.models().isEmpty()) throw new IllegalArgumentException(s.where() + " needs one chat model per juror; none was configured");
        String juror = s.string("juror").strip();
        if (juror.equals(name())) throw new IllegalArgumentException(s.where() + ": setting 'juror' cannot be 'jury' itself");
        Map<String, Object> jurorSettings = jurorSettings(config, s);
        List<Judge> jurors = new ArrayList<>();
        for (ChatModel model : config.models()) {
            jurors.add(Judges.judge(juror, new JudgeConfig(jurorSettings, List.of(model), config.promptDir(),
                    config.source() == null ? "juror-settings" : config.source() + " juror-settings")));
        }
        Jury.Builder b = Jury.builder().jurors(jurors)
                .aggregation(s.choice("aggregation", Aggregation.class))
                .tolerance(s.number("tolerance"));
        if (!s.string("quorum").isBlank()) b.quorum(s.positiveInt("quorum"));
        String n = s.string("name").strip();
        if (!n.isEmpty()) b.name(n);
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(s.where() + ": " + e.getMessage(), e);
        }
    }

    static Map<String, Object> jurorSettings(JudgeConfig config, JudgeSettings s) {
        Object raw = config.settings().get("juror-settings");
        if (raw == null) return Map.of();
        if (!(raw instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException(s.where() + ": setting 'juror-settings' must be a map, got '" + raw + "'");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        map.forEach((k, v) -> out.put(String.valueOf(k), v));
        return out;
    }
}
