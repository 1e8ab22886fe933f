package dev.distillery.judges.jury;

import dev.distillery.judges.JudgeSettings;
import dev.distillery.judges.Judges;
import dev.distillery.judges.spi.JudgeConfig;
import dev.distillery.judges.spi.JudgeParameter;
import dev.distillery.judges.spi.JudgeProvider;
import dev.distillery.judges.spi.PairwiseJudge;
import dev.langchain4j.model.chat.ChatModel;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Registers {@link PairwiseJury} as {@code pairwise-jury}: one pairwise juror per configured model, each built by the
 * {@code juror} provider with the {@code juror-settings} map.
 */
public final class PairwiseJuryProvider implements JudgeProvider {

    @Override
    public String name() {
        return "pairwise-jury";
    }

    @Override
    public String description() {
        return "several pairwise judges (one per model) voting on the winner; a split vote is a tie";
    }

    @Override
    public Kind kind() {
        return Kind.PAIRWISE;
    }

    @Override
    public List<JudgeParameter> parameters() {
        return List.of(
                new JudgeParameter("name", "identity stored with each verdict; default pairwise-jury:<juror names>", ""),
                new JudgeParameter("juror", "the pairwise judge each model runs as", "pairwise"),
                new JudgeParameter("juror-settings", "settings map passed to every juror's provider", "{}"),
                new JudgeParameter("quorum", "jurors that must decide for the jury to decide; default half, rounded up", ""));
    }

    @Override
    public PairwiseJudge createPairwise(JudgeConfig config) {
        JudgeSettings s = JudgeSettings.of(config, parameters(), name());
        if (config.models().isEmpty()) throw new IllegalArgumentException(s.where() + " needs one chat model per juror; none was configured");
        String juror = s.string("juror").strip();
        if (juror.equals(name())) throw new IllegalArgumentException(s.where() + ": setting 'juror' cannot be '" + name() + "' itself");
        Map<String, Object> jurorSettings = JuryProvider.jurorSettings(config, s);
        List<PairwiseJudge> jurors = new ArrayList<>();
        for (ChatModel model : config.models()) {
            jurors.add(Judges.pairwise(juror, new JudgeConfig(jurorSettings, List.of(model), config.promptDir(),
                    config.source() == null ? "juror-settings" : config.source() + " juror-settings")));
        }
        PairwiseJury.Builder b = PairwiseJury.builder().jurors(jurors);
        if (!s.string("quorum").isBlank()) b.quorum(s.positiveInt("quorum"));
        String n = s.string("name").strip();
        if (!n.isEmpty()) b.name(n);
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(s.where() + ": " + e.getMessage(), e);
        }
    }
}
