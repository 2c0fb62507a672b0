package io.sparkdigits.arch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Packages depend downhill only, in the order of the data flow: {@code data} and {@code nn} at the
 * bottom, then {@code optim} and {@code model}, the forward-only {@code infer}, {@code eval}, then
 * {@code train} and {@code score}, {@code report} (beside them, below {@code cli}), {@code ml}, and
 * {@code cli} on top. Read from the sources'
 * imports, so a new upward import fails the build with the file that made it.
 */
class PackageLayersTest {
    private static final Path MAIN = Path.of("src/main/java/io/sparkdigits");
    private static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
            Map.entry("data", Set.of()),
            Map.entry("nn", Set.of()),
            Map.entry("optim", Set.of("nn")),
            Map.entry("model", Set.of("nn")),
            Map.entry("infer", Set.of("data", "nn", "model")),
            Map.entry("eval", Set.of("data", "nn", "model", "infer")),
            Map.entry("train", Set.of("data", "nn", "optim", "model", "infer", "eval")),
            Map.entry("score", Set.of("data", "nn", "model", "infer")),
            Map.entry("report", Set.of("data", "nn", "model", "infer", "eval")),
            Map.entry("ml", Set.of("data", "nn", "optim", "model", "infer", "eval", "train", "score")),
            Map.entry("cli", Set.of("data", "nn", "optim", "model", "infer", "eval", "train", "score", "ml", "report")));
    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?io\\.sparkdigits\\.([a-z]+)\\.", Pattern.MULTILINE);

    @Test
    void everyImportGoesDownhill() throws IOException {
        List<String> violations = new ArrayList<>();
        int files = 0;
        try (Stream<Path> sources = Files.walk(MAIN)) {
            for (Path f : sources.filter(p -> p.toString().endsWith(".java")).toList()) {
                files++;
                String pkg = MAIN.relativize(f).getName(0).toString();
                Set<String> allowed = ALLOWED.get(pkg);
                assertTrue(allowed != null, "package " + pkg + " has no place in the layers: add it to ALLOWED");
                Matcher m = IMPORT.matcher(Files.readString(f));
                while (m.find()) {
                    if (!m.group(1).equals(pkg) && !allowed.contains(m.group(1))) {
                        violations.add(f + " imports " + m.group(1));
                    }
                }
            }
        }
        assertTrue(files > 50, "found the sources (" + files + " files)");
        assertEquals(List.of(), violations);
    }

    @Test
    void onlyTheMlPackageUsesSparkMl() throws IOException {
        List<String> violations = new ArrayList<>();
        try (Stream<Path> sources = Files.walk(MAIN)) {
            for (Path f : sources.filter(p -> p.toString().endsWith(".java")).toList()) {
                String pkg = MAIN.relativize(f).getName(0).toString();
                if (!pkg.equals("ml") && Files.readString(f).contains("import org.apache.spark.ml")) {
                    violations.add(f.toString());
                }
            }
        }
        assertEquals(List.of(), violations);
    }
}
