package dev.distillery.generators.template;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PromptTemplatesTest {

    static final TemplateSpec SPEC = new TemplateSpec("generate", Map.of("examples", List.of("a", "b"), "count", 2));

    @Test
    void anOverrideFileReplacesTheBuiltInAndChangesTheHash(@TempDir Path dir) throws Exception {
        PromptTemplate builtIn = PromptTemplates.builtIn().load("self-instruct", "generate");
        assertTrue(builtIn.origin().startsWith("classpath:dev/distillery/generators/templates/self-instruct/generate.jinja"));
        Path file = dir.resolve("self-instruct/generate.jinja");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "Give {{ count }} tasks like: {% for e in examples %}[{{ e }}]{% endfor %}");
        PromptTemplate mine = PromptTemplates.withOverrides(dir).load("self-instruct", "generate");
        assertEquals(file.toString(), mine.origin());
        assertEquals("Give 2 tasks like: [a][b]", mine.render(SPEC.variables()));
        assertNotEquals(builtIn.hash(), mine.hash());
        assertTrue(mine.hash().matches("[0-9a-f]{12}"));
        // Templates the directory does not override still come from the class path.
        assertTrue(PromptTemplates.withOverrides(dir).load("evol-instruct", "in-depth").origin().startsWith("classpath:"));
    }

    @Test
    void malformedAndMissingTemplatesAreNamed(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("self-instruct/generate.jinja");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "ok\n{% for e in examples %}{{ e }}\n");
        TemplateException unclosed = assertThrows(TemplateException.class,
                () -> PromptTemplates.withOverrides(dir).check("self-instruct", List.of(SPEC)));
        assertTrue(unclosed.getMessage().startsWith(file + ": line 2: "), unclosed.getMessage());
        assertTrue(unclosed.getMessage().contains("endfor"), unclosed.getMessage());

        TemplateException missing = assertThrows(TemplateException.class, () -> PromptTemplates.builtIn().load("self-instruct", "nope"));
        assertTrue(missing.getMessage().contains("templates/self-instruct/nope.jinja: template not found"), missing.getMessage());
        assertThrows(TemplateException.class, () -> PromptTemplates.withOverrides(dir.resolve("absent")));
        Files.writeString(file, "  \n");
        assertTrue(assertThrows(TemplateException.class, () -> PromptTemplates.withOverrides(dir).load("self-instruct", "generate"))
                .getMessage().contains("template is empty"));
    }

    @Test
    void anUnprovidedVariableIsAnErrorNotAnEmptyString() {
        PromptTemplate t = PromptTemplates.builtIn().load("critique", "critique");
        TemplateException e = assertThrows(TemplateException.class, () -> t.render(Map.of("query", "q")));
        assertTrue(e.getMessage().contains("variable 'response' is not provided; the flow provides: query"), e.getMessage());
    }
}
