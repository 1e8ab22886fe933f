package dev.distillery.orchestrator.spec;

import java.util.Map;
import java.util.Set;

/**
 * What exists where a spec will run: the flows, judges and record formats found on the classpath and in plugin
 * directories, and the environment (to check that API-key variables are set). A null set or map skips that check,
 * e.g. when validating a spec on a machine that will not run it.
 *
 * @param flows       flow names
 * @param judges      judge, verifier and filter names
 * @param formats     record format names
 * @param environment environment variables (only their presence is checked; values are never read into the spec)
 */
public record SpecCatalog(Set<String> flows, Set<String> judges, Set<String> formats, Map<String, String> environment) {

    /** Formats from the datasets registry; flows, judges and the environment unchecked. */
    public static SpecCatalog offline() {
        return new SpecCatalog(null, null, dev.distillery.datasets.format.Formats.all().stream().map(dev.distillery.datasets.format.RecordFormat::name).collect(java.util.stream.Collectors.toUnmodifiableSet()), null);
    }

    /** Everything installed: the flows, judges and formats found on the classpath; the environment unchecked. */
    public static SpecCatalog installed() {
        return offline()
                .withFlows(dev.distillery.generators.flow.Flows.all().stream().map(dev.distillery.generators.flow.Flow::name)
                        .collect(java.util.stream.Collectors.toUnmodifiableSet()))
                .withJudges(dev.distillery.judges.Judges.providers().stream()
                        .map(dev.distillery.judges.spi.JudgeProvider::name)
                        .collect(java.util.stream.Collectors.toUnmodifiableSet()));
    }

    public SpecCatalog withEnvironment(Map<String, String> env) {
        return new SpecCatalog(flows, judges, formats, env);
    }

    public SpecCatalog withFlows(Set<String> names) {
        return new SpecCatalog(names, judges, formats, environment);
    }

    public SpecCatalog withJudges(Set<String> names) {
        return new SpecCatalog(flows, names, formats, environment);
    }
}
