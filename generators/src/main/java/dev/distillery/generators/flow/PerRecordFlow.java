package dev.distillery.generators.flow;

import dev.distillery.datasets.model.DataRecord;
import dev.distillery.generators.model.ModelCallException;

import java.util.List;

/**
 * Base for flows that treat each input on its own: a failed call or unparsable answer for one input becomes that
 * input's dead letter and the batch goes on. Outputs emitted for the input before the failure are kept.
 *
 * <pre>{@code
 * final class Shout extends PerRecordFlow {
 *     protected void processOne(DataRecord in, FlowContext ctx, Emitter out) {
 *         ModelReply r = ctx.chat("teacher", "shout", List.of(UserMessage.from(in.payload().text())));
 *         out.output(ctx.output(new Payload.Text(r.text().toUpperCase())).step("shout").parents(in).build());
 *     }
 *     ...
 * }
 * }</pre>
 */
public abstract class PerRecordFlow implements Flow {

    @Override
    public final void process(List<DataRecord> batch, FlowContext context, Emitter out) {
        for (DataRecord input : batch) {
            context.clearLastCall();
            try {
                processOne(input, context, out);
            } catch (ModelCallException e) {
                out.failed(context.deadLetter(input.id(), e));
            }
        }
    }

    /** Processes one input; throw {@link ModelCallException} (as {@link FlowContext#chat} and {@link JsonAnswer} do) to dead-letter it. */
    protected abstract void processOne(DataRecord input, FlowContext context, Emitter out);
}
