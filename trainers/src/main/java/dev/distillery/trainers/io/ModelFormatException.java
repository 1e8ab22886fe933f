package dev.distillery.trainers.io;

import java.io.IOException;

/**
 * A model, adapter or safetensors file that cannot be read or written as asked. The message names the file and, where
 * one is involved, the tensor or config field.
 *
 * <pre>{@code
 * try { ModelLoader.load(dir); } catch (ModelFormatException e) { System.err.println(e.getMessage()); }
 * }</pre>
 */
public class ModelFormatException extends IOException {
    public ModelFormatException(String message) {
        super(message);
    }

    public ModelFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
