package dev.distillery.datasets.model;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.type.TypeFactory;

import java.io.IOException;
import java.util.List;

/** Reads {@link Content} from either a JSON string (plain text) or an array of messages (a conversation). */
final class ContentDeserializer extends JsonDeserializer<Content> {

    private static final JavaType MESSAGES = TypeFactory.defaultInstance().constructCollectionType(List.class, Message.class);

    @Override
    public Content deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_STRING) {
            return new PlainText(p.getText());
        }
        if (t == JsonToken.START_ARRAY) {
            // Read the list, not Conversation.class: Conversation inherits this deserializer and would recurse.
            return new Conversation(ctx.readValue(p, MESSAGES));
        }
        return (Content) ctx.handleUnexpectedToken(Content.class, t, p,
                "expected a string (plain text) or an array of messages (conversation)");
    }
}
