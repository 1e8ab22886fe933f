package dev.distillery.datasets.format;

import dev.distillery.datasets.io.FieldException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BadInputTest {

    @ParameterizedTest(name = "{0}: {2}")
    @CsvSource(delimiter = '|', textBlock = """
            trl-messages     | {'messages':[{'role':'user','content':'a'},{'role':'bot','content':'b'}]} | messages[1].role | unknown role 'bot', expected one of system, user, assistant, tool
            trl-messages     | {'messages':[]}                                                | messages              | expected at least one message
            trl-messages     | {'msgs':[]}                                                    | messages              | required field missing
            trl-messages     | {'messages':'hi'}                                              | messages              | expected a list of messages, found a string
            trl-messages     | {'messages':[{'role':'user','content':5}]}                     | messages[0].content   | expected a string, found a number
            trl-messages     | {'messages':[{'role':'user'}]}                                 | messages[0].content   | required field missing
            trl-messages     | {'messages':[{'content':'x'}]}                                 | messages[0].role      | required field missing
            trl-messages     | {'messages':[{'role':'tool','content':'x','tool_call_id':'c'}]} | messages[0].tool_call_id | unknown message field
            trl-messages     | {'messages':[{'role':'assistant','tool_calls':{}}]}            | messages[0].tool_calls | expected a list of tool calls, found an object
            openai-chat      | {'messages':['hi']}                                            | messages[0]           | expected an object, found a string
            trl-text         | {'text':3}                                                     | text                  | expected a string, found a number
            prompt-completion | {'prompt':'a','completion':{}}                                | completion            | expected a string or a list of messages, found an object
            prompt-completion | {'completion':'a'}                                            | prompt                | required field missing
            trl-dpo          | {'prompt':'a','chosen':null,'rejected':'b'}                    | chosen                | found null
            trl-dpo          | {'prompt':'a','chosen':'x','rejected':[{'role':'assistant','content':'y'}]} | rejected | expected the same form as chosen (a string)
            trl-dpo          | {'chosen':[{'role':'user','content':'a'}],'rejected':[{'role':'user','content':'b'}]} | chosen | they share none
            trl-dpo          | {'chosen':'a','rejected':'b'}                                  | prompt                | need a prompt
            trl-dpo          | {'prompt':[{'role':'user','content':'q'}],'chosen':'a','rejected':'b'} | prompt       | expected a string like chosen and rejected
            sharegpt         | {'conversations':[{'from':'bot','value':'x'}]}                 | conversations[0].from | unknown speaker 'bot', expected one of human, gpt, system, observation, function_call
            sharegpt         | {'conversations':[{'from':'human','value':'q'},{'from':'function_call','value':'not json'}]} | conversations[1].value | expected the JSON text of a function call
            sharegpt         | {'conversations':[{'from':'human'}]}                           | conversations[0].value | required field missing
            sharegpt         | {'conversations':[{'from':'human','value':'q','weight':1}]}    | conversations[0].weight | unknown turn field
            sharegpt         | {'conversations':[{'from':'human','value':'q'}],'chosen':{'from':'human','value':'a'},'rejected':{'from':'gpt','value':'b'}} | chosen.from | expected 'gpt'
            sharegpt         | {'conversations':[]}                                           | conversations         | expected at least one turn
            alpaca           | {'instruction':'a'}                                            | output                | required field missing
            alpaca           | {'instruction':'a','output':'b','history':[['q']]}             | history[0]            | expected a [question, answer] pair, found an array
            alpaca           | {'instruction':'a','output':'b','history':[['q',1]]}           | history[0][1]         | expected a string, found a number
            alpaca           | {'instruction':'a','input':5,'output':'b'}                     | input                 | expected a string, found a number
            alpaca           | {'instruction':'a','chosen':'b'}                               | rejected              | required field missing
            openai-dpo       | {'input':{},'preferred_output':[],'non_preferred_output':[]}   | input.messages        | required field missing
            openai-dpo       | {'input':{'messages':[{'role':'robot','content':'x'}]},'preferred_output':[],'non_preferred_output':[]} | input.messages[0].role | unknown role 'robot'
            openai-dpo       | {'input':{'messages':[{'role':'user','content':'x'}]},'preferred_output':[{'role':'user','content':'y'}],'non_preferred_output':[{'role':'assistant','content':'z'}]} | preferred_output[0].role | expected 'assistant', found 'user'
            openai-dpo       | {'input':[],'preferred_output':[],'non_preferred_output':[]}   | input                 | expected an object, found an array
            pretokenized     | {'input_ids':[1,2,3],'labels':[1,2]}                           | labels                | expected 3 entries like input_ids, found 2
            pretokenized     | {'input_ids':[1,2],'labels':[1,-5]}                            | labels[1]             | expected -100 (not trained on) or a token id >= 0, found -5
            pretokenized     | {'input_ids':[1,1.5]}                                          | input_ids[1]          | expected an integer, found a number
            pretokenized     | {'input_ids':[-1]}                                             | input_ids[0]          | expected a token id >= 0
            pretokenized     | {'input_ids':[]}                                               | input_ids             | expected at least one token id
            pretokenized     | {'labels':[1]}                                                 | input_ids             | required field missing
            pretokenized-dpo | {'prompt_input_ids':[1],'chosen_input_ids':'x','rejected_input_ids':[2]} | chosen_input_ids | expected an array of integers, found a string
            distillery       | {'payload':{'type':'chat','messages':[{'role':'user','content':'a'},{'role':'bot','content':'b'}]}} | payload.messages[1].role | unknown role 'bot'
            """)
    void namesTheFieldAndWhatWasExpected(String format, String json, String field, String expected) {
        FieldException e = assertThrows(FieldException.class, () -> Formats.byName(format).decode(Examples.row(json)));
        assertEquals(field, e.field(), e.getMessage());
        assertTrue(e.problem().contains(expected), () -> "'" + e.problem() + "' should contain '" + expected + "'");
    }
}
