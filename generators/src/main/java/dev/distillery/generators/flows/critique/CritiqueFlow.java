package dev.distillery.generators.flows.critique;

import com.fasterxml.jackson.databind.JsonNode;
import dev.distillery.datasets.model.Conversation;
import dev.distillery.datasets.model.DataRecord;
import dev.distillery.datasets.model.Message;
import dev.distillery.datasets.model.Payload;
import dev.distillery.datasets.model.Score;
import dev.distillery.generators.flow.Emitter;
import dev.distillery.generators.flow.FlowContext;
import dev.distillery.generators.flow.FlowParameter;
import dev.distillery.generators.flow.FlowSignature;
import dev.distillery.generators.flow.Inputs;
import dev.distillery.generators.flow.JsonAnswer;
import dev.distillery.generators.flow.ModelReply;
import dev.distillery.generators.flow.PerRecordFlow;
import dev.distillery.generators.model.ModelCallException;
import dev.distillery.generators.template.PromptTemplate;
import dev.distillery.generators.template.TemplateSpec;
import dev.langchain4j.data.message.UserMessage;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Critique Fine-Tuning data: (query, candidate response) becomes a critique with a verdict. The training record's
 * user turn asks for a critique of the response; the assistant turn is the critique ending in
 * {@code Conclusion: correct|incorrect}; the verdict is also stored as score {@code critique-verdict} (1 or 0) so
 * that judges and filters can use it.
 *
 * <pre>{@code FlowRunner.builder(new CritiqueFlow()).model("teacher", gpt).build().run(studentAnswers, sink)}</pre>
 */
public final class CritiqueFlow extends PerRecordFlow {

    public static final String NAME = "critique";
    public static final String SCORE = "critique-verdict";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Critique Fine-Tuning: (query, candidate response) -> critique ending in a correct/incorrect verdict";
    }

    @Override
    public FlowSignature signature() {
        return new FlowSignature(List.of("chat", "prompt-completion"), List.of("critique"),
                List.of(FlowSignature.ModelRole.required("teacher", "writes the critique and the verdict")));
    }

    @Override
    public List<FlowParameter> parameters() {
        return List.of(FlowParameter.bool("keep-verdict-line", "end the training critique with 'Conclusion: correct|incorrect'", true));
    }

    @Override
    public List<TemplateSpec> templates() {
        Map<String, Object> vars = Map.of("query", "What is 2 + 2?", "response", "2 + 2 = 5");
        return List.of(new TemplateSpec("critique", vars), new TemplateSpec("training-prompt", vars));
    }

    @Override
    protected void processOne(DataRecord input, FlowContext ctx, Emitter out) {
        String query = Inputs.prompt(input).userText();
        String response = Inputs.answer(input);
        if (response == null || response.isBlank()) {
            out.failed(ctx.deadLetter(input.id(), "critique", ModelCallException.Kind.OTHER,
                    "input has no candidate response (a chat must end with an assistant turn)"));
            return;
        }
        Map<String, Object> vars = Map.of("query", query, "response", response);
        PromptTemplate ask = ctx.template("critique");
        PromptTemplate training = ctx.template("training-prompt");
        ModelReply reply = ctx.chat("teacher", "critique", List.of(UserMessage.from(ask.render(vars))));
        JsonNode json = JsonAnswer.object(reply.text());
        String critique = JsonAnswer.text(json, "critique");
        String verdict = JsonAnswer.text(json, "verdict").toLowerCase(Locale.ROOT);
        if (!verdict.equals("correct") && !verdict.equals("incorrect")) {
            throw new ModelCallException(ModelCallException.Kind.MALFORMED_OUTPUT,
                    "verdict must be 'correct' or 'incorrect', got '" + verdict + "'", 1, null);
        }
        String answer = ctx.settings().bool("keep-verdict-line") ? critique + "\n\nConclusion: " + verdict : critique;
        Conversation c = Conversation.of(Message.user(training.render(vars).strip()), Message.assistant(answer));
        DataRecord record = ctx.output(new Payload.Chat(c)).kind("critique").step("critique").parents(input)
                .template(ask, training).models(reply.modelId()).build()
                .withScore(SCORE, new Score(verdict.equals("correct") ? 1 : 0, verdict));
        out.output(record);
    }
}
