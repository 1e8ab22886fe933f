package dev.distillery.judges.verify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.distillery.datasets.json.Json;
import dev.distillery.judges.spi.JudgeInput;
import dev.distillery.judges.spi.Verdict;
import dev.distillery.judges.spi.Verifier;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * IFEval-style instruction following: passes when every constraint holds (length limits, required keywords,
 * forbidden words, bullet count, JSON format, letter case, ...; see {@link InstructionConstraints}). The rationale
 * lists each failed constraint with what was measured.
 *
 * <pre>{@code
 * Verifier v = new InstructionVerifier(InstructionConstraints.parseAll(Map.of("max_words", 50, "case", "lower")), false);
 * }</pre>
 *
 * @param constraints   the constraints every response must satisfy
 * @param fromReference also read per-item constraints from the input's reference, a JSON object of the same shape
 */
public record InstructionVerifier(List<InstructionConstraints.Constraint> constraints, boolean fromReference)
        implements Verifier {

    public InstructionVerifier {
        constraints = List.copyOf(constraints);
        if (constraints.isEmpty() && !fromReference) {
            throw new IllegalArgumentException("no constraints given (and from_reference is off): nothing to verify");
        }
    }

    @Override
    public String name() {
        return "instructions";
    }

    @Override
    public Verdict judge(JudgeInput input) {
        List<InstructionConstraints.Constraint> all = new ArrayList<>(constraints);
        if (fromReference) {
            if (input.reference() == null || input.reference().isBlank()) {
                if (all.isEmpty()) return new Verdict.Failed(name(), "no constraints: the reference is empty", null);
            } else {
                try {
                    Map<String, Object> more = Json.MAPPER.readValue(input.reference(), new TypeReference<>() {
                    });
                    all.addAll(InstructionConstraints.parseAll(more));
                } catch (JsonProcessingException e) {
                    return new Verdict.Failed(name(), "reference is not a JSON object of constraints: "
                            + JsonText.message(e), input.reference());
                } catch (IllegalArgumentException e) {
                    return new Verdict.Failed(name(), "reference: " + e.getMessage(), input.reference());
                }
            }
        }
        String response = input.response() == null ? "" : input.response();
        List<String> failed = new ArrayList<>();
        for (InstructionConstraints.Constraint c : all) {
            String why = c.violation(response);
            if (why != null) failed.add(c.name() + ": " + why);
        }
        if (failed.isEmpty()) {
            return new Verdict.Scored(name(), 1, "pass: all " + all.size() + " constraint(s) hold");
        }
        return new Verdict.Scored(name(), 0, "fail: " + failed.size() + " of " + all.size() + " constraint(s) failed: "
                + String.join("; ", failed));
    }
}
