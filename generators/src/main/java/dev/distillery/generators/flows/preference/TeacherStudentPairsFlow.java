package dev.distillery.generators.flows.preference;

import dev.distillery.datasets.model.Conversation;
import dev.distillery.datasets.model.DataRecord;
import dev.distillery.datasets.model.Message;
import dev.distillery.datasets.model.Payload;
import dev.distillery.generators.flow.Emitter;
import dev.distillery.generators.flow.FlowContext;
import dev.distillery.generators.flow.FlowParameter;
import dev.distillery.generators.flow.FlowSignature;
import dev.distillery.generators.flow.Inputs;
import dev.distillery.generators.flow.ModelReply;
import dev.distillery.generators.flow.PerRecordFlow;
import dev.distillery.generators.template.TemplateSpec;
import dev.langchain4j.model.chat.request.ChatRequest;

import java.util.List;

/**
 * Teacher-versus-student preference pairs ("Distill Not Only Data but Also Rewards"): the teacher's answer is
 * chosen, the student's rejected, with no judge in between. Identical answers carry no preference signal and are
 * filtered, with the reason.
 *
 * <pre>{@code FlowRunner.builder(new TeacherStudentPairsFlow()).model("teacher", gpt).model("student", local).build()}</pre>
 */
public final class TeacherStudentPairsFlow extends PerRecordFlow {

    public static final String NAME = "teacher-student-pairs";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Preference pairs with the teacher's answer chosen and the student's rejected";
    }

    @Override
    public FlowSignature signature() {
        return new FlowSignature(List.of("text", "chat"), List.of("preference"), List.of(
                FlowSignature.ModelRole.required("teacher", "writes the chosen answer"),
                FlowSignature.ModelRole.required("student", "writes the rejected answer")));
    }

    @Override
    public List<FlowParameter> parameters() {
        return List.of(FlowParameter.number("temperature", "sampling temperature for both models", 0.7));
    }

    @Override
    public List<TemplateSpec> templates() {
        return List.of();
    }

    @Override
    protected void processOne(DataRecord input, FlowContext ctx, Emitter out) {
        Conversation prompt = Inputs.prompt(input);
        ChatRequest request = ChatRequest.builder().messages(Inputs.toChatMessages(prompt))
                .temperature(ctx.settings().number("temperature")).build();
        ModelReply teacher = ctx.chat("teacher", "teacher-answer", request);
        ModelReply student = ctx.chat("student", "student-answer", request);
        FlowContext.OutputBuilder b = ctx.output(new Payload.Preference(prompt,
                        Conversation.of(Message.assistant(teacher.text())), Conversation.of(Message.assistant(student.text()))))
                .kind("preference").step("pair").parents(input).models(teacher.modelId(), student.modelId());
        if (teacher.text().strip().equals(student.text().strip())) {
            out.filtered(b.id(), List.of(input.id()), "pair", "teacher and student gave the same answer: no preference signal");
        } else {
            out.output(b.build());
        }
    }
}
