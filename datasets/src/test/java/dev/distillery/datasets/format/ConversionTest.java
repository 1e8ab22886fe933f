package dev.distillery.datasets.format;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.distillery.datasets.model.Conversation;
import dev.distillery.datasets.model.DataRecord;
import dev.distillery.datasets.model.Lineage;
import dev.distillery.datasets.model.Message;
import dev.distillery.datasets.model.Payload;
import dev.distillery.datasets.model.PlainText;
import dev.distillery.datasets.model.Score;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.IntStream;

import static dev.distillery.datasets.format.Examples.row;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConversionTest {

    private static DataRecord via(DataRecord r, String format, LossReport loss) {
        RecordFormat f = Formats.byName(format);
        return f.decode(f.encode(r, loss));
    }

    @Test
    void aChatSurvivesShareGptToTrlToAlpacaAndBack() {
        DataRecord original = Formats.byName("sharegpt").decode(row("{'conversations':[{'from':'human','value':'hi'},"
                + "{'from':'gpt','value':'hello'},{'from':'human','value':'2+2?'},{'from':'gpt','value':'4'}],'system':'be brief'}"));
        LossReport loss = new LossReport();
        DataRecord trl = via(original, "trl-messages", loss);
        DataRecord alpaca = via(trl, "alpaca", loss);
        DataRecord back = via(alpaca, "trl-messages", loss);
        assertEquals(original.payload(), back.payload());
        assertEquals(original.id(), back.id(), "same payload, same content id");
        assertTrue(loss.isEmpty(), loss::toString);
        ObjectNode alpacaRow = Formats.byName("alpaca").encode(trl, loss);
        assertEquals(row("{'system':'be brief','history':[['hi','hello']],'instruction':'2+2?','output':'4'}"), alpacaRow);
    }

    @Test
    void aPreferenceSurvivesTrlToShareGptToAlpacaToOpenAiAndBack() {
        DataRecord original = Formats.byName("trl-dpo").decode(row("{'prompt':[{'role':'system','content':'s'},"
                + "{'role':'user','content':'q'}],'chosen':[{'role':'assistant','content':'good'}],"
                + "'rejected':[{'role':'assistant','content':'bad'}]}"));
        LossReport loss = new LossReport();
        DataRecord r = original;
        for (String f : List.of("sharegpt", "alpaca", "openai-dpo", "trl-dpo")) r = via(r, f, loss);
        assertEquals(original.payload(), r.payload());
        assertTrue(loss.isEmpty(), loss::toString);
    }

    @Test
    void eachLossIsCountedOncePerRecordAndKind() {
        Payload.Chat chat = new Payload.Chat(Conversation.of(Message.user("q"),
                new Message(dev.distillery.datasets.model.Role.ASSISTANT, "a", "bot", null),
                new Message(dev.distillery.datasets.model.Role.USER, "q2", "alice", null), Message.assistant("a2")));
        LossReport loss = new LossReport();
        RecordFormat sharegpt = Formats.byName("sharegpt");
        IntStream.range(0, 1000).parallel().forEach(i -> {
            DataRecord r = DataRecord.of(chat).withLineage(new Lineage(List.of("p" + i), "self-instruct", null, null, null, null));
            if (i % 4 == 0) r = r.withScore("judge", Score.of(i));
            sharegpt.encode(r, loss);
        });
        assertEquals(List.of("sharegpt does not carry lineage (1000 records)"),
                loss.lines().stream().filter(l -> l.contains("lineage")).toList());
        assertEquals(1000, loss.count("sharegpt", "message names"), "two named messages per record count once");
        assertEquals(250, loss.count("sharegpt", "scores"));
        assertEquals(3, loss.lines().size(), loss::toString);
        assertTrue(loss.lines().contains("sharegpt does not carry scores (250 records)"), loss::toString);
    }

    @Test
    void recordIdsAndKindsThatAreNotContentDerivedAreReported() {
        DataRecord r = DataRecord.of(new Payload.Text("x")).withId("mine").withKind("pretraining");
        LossReport loss = new LossReport();
        Formats.byName("trl-text").encode(r, loss);
        assertEquals(List.of("trl-text does not carry record ids (1 record)", "trl-text does not carry record kinds (1 record)"),
                loss.lines());
    }

    @Test
    void sourceFieldsGoBackOnlyToTheirOwnFormat() {
        DataRecord alpaca = Formats.byName("alpaca").decode(row("{'instruction':'Translate','input':'bonjour','output':'hello','category':'mt'}"));
        LossReport loss = new LossReport();
        ObjectNode trl = Formats.byName("trl-messages").encode(alpaca, loss);
        assertEquals(row("{'messages':[{'role':'user','content':'Translate\\nbonjour'},{'role':'assistant','content':'hello'}]}"), trl);
        assertEquals(List.of("trl-messages does not carry source fields of alpaca rows (1 record)"), loss.lines());
        // The payload still goes back to alpaca; without its own source fields the input is part of the instruction.
        ObjectNode back = Formats.byName("alpaca").encode(Formats.byName("trl-messages").decode(trl), loss);
        assertEquals(row("{'instruction':'Translate\\nbonjour','output':'hello'}"), back);
    }

    @Test
    void alpacaLeavesInputOutWhenTheUserTurnNoLongerEndsWithIt() {
        DataRecord r = Formats.byName("alpaca").decode(row("{'instruction':'Translate','input':'bonjour','output':'hello'}"));
        Payload.Chat edited = new Payload.Chat(Conversation.of(Message.user("Translate: salut"), Message.assistant("hi")));
        ObjectNode out = Formats.byName("alpaca").encode(r.withPayload(edited), new LossReport());
        assertEquals(row("{'instruction':'Translate: salut','output':'hi'}"), out);
    }

    @Test
    void shapesAFormatCannotHoldAreRefusedWithTheReasonAndNoPartialLosses() {
        DataRecord chat = DataRecord.of(new Payload.Chat(Conversation.of(Message.user("q"), Message.assistant("a"))))
                .withLineage(new Lineage(List.of("p"), null, null, null, null, null));
        LossReport loss = new LossReport();
        CannotCarryException e = assertThrows(CannotCarryException.class, () -> Formats.byName("trl-dpo").encode(chat, loss));
        assertEquals("trl-dpo cannot carry a 'chat' record: it needs prompt, chosen and rejected", e.getMessage());
        assertEquals("chat", e.payloadType());
        assertTrue(loss.isEmpty(), "a refused record must not count as partially written");

        DataRecord endsWithUser = DataRecord.of(new Payload.Chat(Conversation.of(Message.user("q"))));
        e = assertThrows(CannotCarryException.class, () -> Formats.byName("openai-chat").encode(endsWithUser, loss));
        assertTrue(e.getMessage().contains("last message must be an assistant turn"), e.getMessage());

        DataRecord tools = Formats.byName("trl-messages").decode(Examples.ALL.get(5).row());
        e = assertThrows(CannotCarryException.class, () -> Formats.byName("alpaca").encode(tools, loss));
        assertEquals("alpaca cannot carry a 'chat' record: it has tool calls or tool turns", e.getMessage());

        DataRecord twoSystems = DataRecord.of(new Payload.Chat(Conversation.of(Message.system("a"), Message.user("q"),
                Message.system("b"), Message.assistant("x"))));
        e = assertThrows(CannotCarryException.class, () -> Formats.byName("alpaca").encode(twoSystems, loss));
        assertTrue(e.getMessage().contains("system message after the first turn"), e.getMessage());

        DataRecord twoUsers = DataRecord.of(new Payload.Chat(Conversation.of(Message.user("a"), Message.user("b"), Message.assistant("x"))));
        e = assertThrows(CannotCarryException.class, () -> Formats.byName("alpaca").encode(twoUsers, loss));
        assertTrue(e.getMessage().contains("alternate user and assistant"), e.getMessage());

        DataRecord tokens = DataRecord.of(new Payload.Tokens(new int[]{1}, new int[]{1}));
        e = assertThrows(CannotCarryException.class, () -> Formats.byName("trl-messages").encode(tokens, loss));
        assertEquals("trl-messages cannot carry a 'tokens' record: it needs a conversation (messages)", e.getMessage());
        assertTrue(loss.isEmpty());
    }

    @Test
    void aChatBecomesPromptAndCompletionAtItsLastAssistantTurn() {
        DataRecord chat = DataRecord.of(new Payload.Chat(Conversation.of(Message.system("s"), Message.user("q"),
                Message.assistant("a"), Message.user("q2"), Message.assistant("a2"))));
        ObjectNode row = Formats.byName("prompt-completion").encode(chat, new LossReport());
        assertEquals(row("{'prompt':[{'role':'system','content':'s'},{'role':'user','content':'q'},{'role':'assistant','content':'a'},"
                + "{'role':'user','content':'q2'}],'completion':[{'role':'assistant','content':'a2'}]}"), row);
    }

    @Test
    void openAiWritesOnlyKeysItsValidatorAccepts() {
        DataRecord r = Formats.byName("openai-chat").decode(row("{'messages':[{'role':'user','content':'q'},"
                + "{'role':'assistant','content':'a'}],'parallel_tool_calls':true,'meta':{'x':1}}"));
        LossReport loss = new LossReport();
        ObjectNode out = Formats.byName("openai-chat").encode(r, loss);
        assertFalse(out.has("meta"));
        assertTrue(out.has("parallel_tool_calls"));
        assertEquals(List.of("openai-chat does not carry fields OpenAI's validator rejects (1 record)"), loss.lines());

        DataRecord fromTrl = Formats.byName("trl-messages").decode(row("{'messages':[{'role':'user','content':'q'},"
                + "{'role':'assistant','content':'a'}],'source':'web'}"));
        ObjectNode out2 = Formats.byName("openai-chat").encode(fromTrl, loss);
        assertEquals(row("{'messages':[{'role':'user','content':'q'},{'role':'assistant','content':'a'}]}"), out2);
        assertEquals(1, loss.count("openai-chat", "source fields of trl-messages rows"));
    }

    @Test
    void plainPreferencesBecomeMessagesForOpenAiAndSaySo() {
        DataRecord r = Formats.byName("trl-dpo").decode(row("{'prompt':'q','chosen':'a','rejected':'b'}"));
        LossReport loss = new LossReport();
        ObjectNode out = Formats.byName("openai-dpo").encode(r, loss);
        assertEquals(row("{'input':{'messages':[{'role':'user','content':'q'}]},'preferred_output':[{'role':'assistant','content':'a'}],"
                + "'non_preferred_output':[{'role':'assistant','content':'b'}]}"), out);
        assertEquals(List.of("openai-dpo does not carry plain-text sides (written as messages) (1 record)"), loss.lines());
    }

    @Test
    void shareGptFunctionCallsBecomeRealToolCalls() {
        DataRecord r = Formats.byName("sharegpt").decode(Examples.ALL.get(14).row());
        Payload.Chat chat = (Payload.Chat) r.payload();
        Message call = chat.messages().messages().get(1);
        assertEquals(dev.distillery.datasets.model.Role.ASSISTANT, call.role());
        assertEquals("", call.content());
        assertEquals(row("{'x':[{'type':'function','function':{'name':'weather','arguments':{'city':'Paris'}}}]}").get("x"), call.toolCalls());
        assertEquals(dev.distillery.datasets.model.Role.TOOL, chat.messages().messages().get(2).role());
        // And they reach TRL as TRL tool calls, without loss.
        LossReport loss = new LossReport();
        ObjectNode trl = Formats.byName("trl-messages").encode(r, loss);
        assertEquals("weather", trl.at("/messages/1/tool_calls/0/function/name").asText());
        assertTrue(loss.isEmpty(), loss::toString);
    }

    @Test
    void trlDpoExtractsTheSharedPrefixAsPromptFromImplicitRows() {
        DataRecord r = Formats.byName("trl-dpo").decode(row("{'chosen':[{'role':'user','content':'q'},{'role':'assistant','content':'a'},"
                + "{'role':'user','content':'more?'},{'role':'assistant','content':'yes'}],"
                + "'rejected':[{'role':'user','content':'q'},{'role':'assistant','content':'a'},{'role':'user','content':'more?'},"
                + "{'role':'assistant','content':'no'}]}"));
        Payload.Preference p = (Payload.Preference) r.payload();
        assertEquals(Conversation.of(Message.user("q"), Message.assistant("a"), Message.user("more?")), p.prompt());
        assertEquals(Conversation.of(Message.assistant("yes")), p.chosen());
        assertEquals(Conversation.of(Message.assistant("no")), p.rejected());
        assertEquals(null, r.source());
        // Written back with the explicit prompt TRL recommends.
        ObjectNode out = Formats.byName("trl-dpo").encode(r, new LossReport());
        assertEquals(3, out.get("prompt").size());
    }

    @Test
    void trlDpoBacksOffASharedAssistantTurnLikeTrl() {
        // The answers differ after a shared assistant prefix: the prompt stops before the assistant turn.
        DataRecord r = Formats.byName("trl-dpo").decode(row("{'chosen':[{'role':'user','content':'q'},{'role':'assistant','content':'a'},"
                + "{'role':'assistant','content':'b'}],'rejected':[{'role':'user','content':'q'},{'role':'assistant','content':'a'},"
                + "{'role':'assistant','content':'c'}]}"));
        Payload.Preference p = (Payload.Preference) r.payload();
        assertEquals(Conversation.of(Message.user("q")), p.prompt());
        assertEquals(Conversation.of(Message.assistant("a"), Message.assistant("b")), p.chosen());
    }

    @Test
    void h4RowsKeepTheirStringPromptAsASourceField() {
        DataRecord r = Formats.byName("trl-dpo").decode(Examples.ALL.get(12).row());
        Payload.Preference p = (Payload.Preference) r.payload();
        assertEquals(Conversation.of(Message.user("What color is the sky?")), p.prompt());
        assertEquals(Conversation.of(Message.assistant("It is blue.")), p.chosen());
        assertEquals("What color is the sky?", r.source().fields().get("prompt").asText());
        // Another format gets the clean prompt, and says it drops the H4 extras.
        LossReport loss = new LossReport();
        ObjectNode sg = Formats.byName("sharegpt").encode(r, loss);
        assertEquals(row("{'conversations':[{'from':'human','value':'What color is the sky?'}],"
                + "'chosen':{'from':'gpt','value':'It is blue.'},'rejected':{'from':'gpt','value':'It is green.'}}"), sg);
        assertEquals(List.of("sharegpt does not carry source fields of trl-dpo rows (1 record)"), loss.lines());
    }

    @Test
    void pretokenizedRowsWithoutLabelsTrainOnEveryToken() {
        DataRecord r = Formats.byName("pretokenized").decode(row("{'input_ids':[4,5,6]}"));
        assertEquals(new Payload.Tokens(new int[]{4, 5, 6}, new int[]{4, 5, 6}), r.payload());
        assertEquals(row("{'input_ids':[4,5,6],'labels':[4,5,6]}"), Formats.byName("pretokenized").encode(r, new LossReport()));
    }

    @Test
    void promptCompletionKeepsPlainAndConversationalSidesApart() {
        DataRecord r = Formats.byName("prompt-completion").decode(Examples.ALL.get(9).row());
        Payload.PromptCompletion pc = (Payload.PromptCompletion) r.payload();
        assertTrue(pc.prompt().isConversational());
        assertEquals(new PlainText("hi"), pc.completion());
    }
}
