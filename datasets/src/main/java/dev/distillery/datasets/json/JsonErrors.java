package dev.distillery.datasets.json;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DatabindException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.distillery.datasets.io.FieldException;

import java.util.List;

/** Turns Jackson's exceptions into {@link FieldException}s that name the field in the JSON path form users read. */
public final class JsonErrors {

    private JsonErrors() {
    }

    public static FieldException toFieldException(JsonProcessingException e) {
        String original = e.getOriginalMessage();
        if (original != null && original.contains("Invalid UTF-8")) {
            String path = e instanceof JsonMappingException m ? path(m.getPath()) : null;
            return new FieldException(path == null || path.isEmpty() ? null : path,
                    "not valid UTF-8 (" + firstLine(original) + "); save the file as UTF-8");
        }
        if (e instanceof JsonParseException p) {
            String msg = p.getOriginalMessage();
            long column = p.getLocation() == null ? -1 : p.getLocation().getColumnNr();
            return new FieldException(null, "not valid JSON" + (column > 0 ? " at column " + column : "") + ": " + msg);
        }
        if (e instanceof DatabindException d) {
            String path = path(d instanceof JsonMappingException m ? m.getPath() : List.of());
            String problem = d.getOriginalMessage();
            if (d instanceof UnrecognizedPropertyException u) {
                path = path.isEmpty() ? u.getPropertyName() : path;
                problem = "unknown field '" + u.getPropertyName() + "'";
            } else if (d instanceof InvalidTypeIdException t) {
                problem = "unknown type '" + t.getTypeId() + "', expected one of text, chat, prompt-completion, "
                        + "preference, tokens, token-preference";
            } else if (d.getCause() instanceof IllegalArgumentException iae) {
                problem = iae.getMessage();
            } else if (d.getCause() instanceof NullPointerException npe) {
                problem = "required field missing: " + npe.getMessage();
            }
            return new FieldException(path, firstLine(problem));
        }
        return new FieldException(null, firstLine(e.getOriginalMessage()));
    }

    /** {@code payload.messages[2].role} from Jackson's reference chain. */
    public static String path(List<JsonMappingException.Reference> refs) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : refs) {
            if (r.getFieldName() != null) {
                if (!sb.isEmpty()) sb.append('.');
                sb.append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    private static String firstLine(String s) {
        if (s == null) return "invalid value";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
