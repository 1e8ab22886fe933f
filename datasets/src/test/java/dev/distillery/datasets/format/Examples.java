package dev.distillery.datasets.format;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.distillery.datasets.json.Json;

import java.io.UncheckedIOException;
import java.util.List;

/** Example rows of every built-in format, written with single quotes for readability. */
final class Examples {

    /**
     * @param format   the format the row is written in
     * @param detected what auto-detection should answer (openai-chat rows look like trl-messages)
     * @param json     the row
     */
    record Example(String format, String detected, String json) {
        ObjectNode row() {
            return Examples.row(json);
        }

        @Override
        public String toString() {
            return format + " " + json;
        }
    }

    private Examples() {
    }

    static ObjectNode row(String singleQuoted) {
        try {
            return (ObjectNode) Json.MAPPER.readTree(singleQuoted.replace('\'', '"'));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Example ex(String format, String json) {
        return new Example(format, format, json);
    }

    static final List<Example> ALL = List.of(
            ex("distillery", "{'id':'r1','kind':'sft','payload':{'type':'chat','messages':[{'role':'user','content':'hi'},"
                    + "{'role':'assistant','content':'hello'}]},'lineage':{'parentIds':['p0'],'flow':'self-instruct'},"
                    + "'scores':{'judge':{'value':7.5,'rationale':'ok'}},'source':{'format':'alpaca','fields':{'input':''}}}"),
            // RecordCodec writes an empty lineage as {}, so its canonical rows contain it.
            ex("distillery", "{'id':'t1','kind':'tokens','payload':{'type':'tokens','input_ids':[1,2],'labels':[-100,2]},'lineage':{}}"),

            ex("trl-text", "{'text':'The sky is blue.'}"),
            ex("trl-text", "{'text':'x','meta':{'src':'wiki'}}"),

            ex("trl-messages", "{'messages':[{'role':'system','content':'You are helpful.'},{'role':'user','content':'What color is the sky?'},"
                    + "{'role':'assistant','content':'It is blue.'}]}"),
            ex("trl-messages", "{'messages':[{'role':'user','content':'Turn on the lights.'},{'role':'assistant','tool_calls':"
                    + "[{'type':'function','function':{'name':'control_light','arguments':{'room':'living room','state':'on'}}}]},"
                    + "{'role':'tool','name':'control_light','content':'Lights on.'},{'role':'assistant','content':'Done!'}],"
                    + "'tools':[{'type':'function','function':{'name':'control_light','parameters':{'type':'object'}}}]}"),
            ex("trl-messages", "{'messages':[{'role':'user','content':'a'},{'role':'assistant','content':'b'}],'source_id':7,'tools':null}"),

            ex("prompt-completion", "{'prompt':'The sky is','completion':' blue.'}"),
            ex("prompt-completion", "{'prompt':[{'role':'user','content':'What color is the sky?'}],"
                    + "'completion':[{'role':'assistant','content':'It is blue.'}],'label':true}"),
            ex("prompt-completion", "{'prompt':[{'role':'user','content':'Say hi'}],'completion':'hi'}"),

            ex("trl-dpo", "{'prompt':'The sky is','chosen':' blue.','rejected':' green.','score_chosen':8.5}"),
            ex("trl-dpo", "{'prompt':[{'role':'user','content':'What color is the sky?'}],'chosen':[{'role':'assistant','content':'It is blue.'}],"
                    + "'rejected':[{'role':'assistant','content':'It is green.'}]}"),
            ex("trl-dpo", "{'prompt':'What color is the sky?','prompt_id':'abc',"
                    + "'chosen':[{'role':'user','content':'What color is the sky?'},{'role':'assistant','content':'It is blue.'}],"
                    + "'rejected':[{'role':'user','content':'What color is the sky?'},{'role':'assistant','content':'It is green.'}],"
                    + "'messages':[{'role':'user','content':'What color is the sky?'},{'role':'assistant','content':'It is blue.'}],"
                    + "'score_chosen':8.5,'score_rejected':4.0}"),

            ex("sharegpt", "{'conversations':[{'from':'human','value':'hi'},{'from':'gpt','value':'hello'},{'from':'human','value':'2+2?'},"
                    + "{'from':'gpt','value':'4'}],'system':'be brief','tools':'[]','id':'sg-1'}"),
            ex("sharegpt", "{'conversations':[{'from':'human','value':'weather in Paris?'},"
                    + "{'from':'function_call','value':'{\\'name\\':\\'weather\\',\\'arguments\\':{\\'city\\':\\'Paris\\'}}'},"
                    + "{'from':'observation','value':'sunny'},{'from':'gpt','value':'It is sunny.'}]}"),
            ex("sharegpt", "{'conversations':[{'from':'human','value':'color?'}],'system':'short answers',"
                    + "'chosen':{'from':'gpt','value':'blue'},'rejected':{'from':'gpt','value':'green'}}"),

            ex("alpaca", "{'instruction':'Translate','input':'bonjour','output':'hello','system':'translator',"
                    + "'history':[['hi','hello'],['and bye?','goodbye']],'category':'mt'}"),
            ex("alpaca", "{'instruction':'Name a color','input':'','output':'blue'}"),
            ex("alpaca", "{'instruction':'Name a color','output':'blue'}"),
            ex("alpaca", "{'instruction':'Pick one','input':'red or blue','chosen':'blue','rejected':'none'}"),

            new Example("openai-chat", "trl-messages", "{'messages':[{'role':'system','content':'s'},{'role':'user','content':'u'},"
                    + "{'role':'assistant','content':'a'}]}"),
            new Example("openai-chat", "trl-messages", "{'messages':[{'role':'user','content':'weather?'},{'role':'assistant','tool_calls':"
                    + "[{'id':'call_1','type':'function','function':{'name':'weather','arguments':'{}'}}]}],"
                    + "'tools':[{'type':'function','function':{'name':'weather'}}],'parallel_tool_calls':false}"),

            ex("openai-dpo", "{'input':{'messages':[{'role':'user','content':'Hi'}],'tools':[],'parallel_tool_calls':true},"
                    + "'preferred_output':[{'role':'assistant','content':'Hello!'}],'non_preferred_output':[{'role':'assistant','content':'Go away.'}]}"),
            ex("openai-dpo", "{'input':{'messages':[{'role':'system','content':'s'},{'role':'user','content':'Hi'}]},"
                    + "'preferred_output':[{'role':'assistant','content':'Hello!'}],'non_preferred_output':[{'role':'assistant','content':'No.'}]}"),

            ex("pretokenized", "{'input_ids':[5,6,7],'labels':[-100,6,7],'attention_mask':[1,1,1]}"),
            ex("pretokenized", "{'input_ids':[1],'labels':[1]}"),

            ex("pretokenized-dpo", "{'prompt_input_ids':[1,2],'chosen_input_ids':[3],'rejected_input_ids':[4,5],'prompt_attention_mask':[1,1]}"));
}
