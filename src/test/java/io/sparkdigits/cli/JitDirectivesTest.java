package io.sparkdigits.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's compiler directives (conf/jit-directives.json) are taken by the JVM the tests run
 * on (Java 17 under Maven; LauncherIT starts the launcher on 17 and 25), every pattern of the file
 * with C2 excluded and C1 not, and a file the JVM refuses is reported as not added, not thrown.
 * Each test removes what it added; methods C2 skipped meanwhile stay C1's in this test JVM.
 */
class JitDirectivesTest {
    private static final Path SHIPPED = Path.of("conf/jit-directives.json");

    @Test
    void theShippedFileIsTakenAndKeepsOnlyC2OffTheSetUpCode(@TempDir Path dir) throws Exception {
        Path spaced = Files.createDirectories(dir.resolve("a folder with spaces"));
        Path file = Files.copy(SHIPPED, spaced.resolve("jit directives.json"));
        assertTrue(JitDirectives.add(file.toString()), "conf/jit-directives.json was not taken from " + file);
        String top;
        try {
            top = JitDirectives.command("compilerDirectivesPrint").split("Directive:")[1]; // the one just added: the default one comes after it
        } finally {
            JitDirectives.removeLast();
        }
        // That the file was taken says little (the parser reads "Exclud" as "Exclude"): check the effect.
        String matching = top.lines().filter(l -> l.trim().startsWith("matching:")).findFirst().orElse(top);
        Matcher pattern = Pattern.compile("\"([^\"]+)\"").matcher(Files.readString(SHIPPED));
        int patterns = 0;
        while (pattern.find()) {
            assertTrue(matching.contains(pattern.group(1)), pattern.group(1) + " not in " + matching);
            patterns++;
        }
        assertTrue(patterns >= 5 && matching.contains("org/apache/xbean/*.*"), matching);
        String c1 = top.substring(top.indexOf("c1 directives:"), top.indexOf("c2 directives:"));
        String c2 = top.substring(top.indexOf("c2 directives:"));
        assertTrue(c1.contains("Exclude:false") && c2.contains("Exclude:true"), top);
        String text = Files.readString(SHIPPED);
        assertFalse(text.contains("io/sparkdigits"), "our own code must stay C2's");
        assertFalse(text.lines().map(String::trim).anyMatch(l -> l.startsWith("//") || l.startsWith("/*")),
                "Java 17 refuses comments in a directives file");
    }

    @Test
    void aFileTheJvmRefusesIsNotAdded(@TempDir Path dir) throws Exception {
        Path badPattern = Files.writeString(dir.resolve("bad.json"), "[ { match: \"x\", c2: { Exclude: true } } ]");
        Path comment = Files.writeString(dir.resolve("comment.json"), "// why\n" + Files.readString(SHIPPED));
        for (Path bad : List.of(badPattern, comment, dir.resolve("missing.json"))) {
            boolean added = JitDirectives.add(bad.toString());
            if (added) {
                JitDirectives.removeLast();
            }
            // Java 25 reads comments; the one file that a JVM may take is the commented one.
            assertEquals(bad == comment && Runtime.version().feature() >= 25, added, bad.toString());
        }
    }

    @Test
    void withoutThePropertyNothingIsAdded() {
        String before = System.getProperty(JitDirectives.PROPERTY);
        try {
            System.clearProperty(JitDirectives.PROPERTY);
            assertFalse(JitDirectives.addFromProperty());
            System.setProperty(JitDirectives.PROPERTY, " ");
            assertFalse(JitDirectives.addFromProperty());
        } finally {
            if (before == null) {
                System.clearProperty(JitDirectives.PROPERTY);
            } else {
                System.setProperty(JitDirectives.PROPERTY, before);
            }
        }
    }
}
