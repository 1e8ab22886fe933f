package dev.distillery.datasets.model;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;

import java.io.IOException;

/** Reads {@link Content} from either a JSON string (plain text) or an array of messages (a conversation). */
final class ContentDeserializer extends JsonDeserializer<Content> {

    @Override
    public Content deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_STRING) {
            return new PlainText(p.getText());
        }
        if (t == JsonToken.START_ARRAY) {
            return ctx.readValue(p, Conversation.class);
        }
        return (Content) ctx.handleUnexpectedToken(Content.class, t, p,
                "expected a string (plain text) or an array of messages (conversation)");
    }
}
