package io.sparkdigits.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkdigits.testing.SparkSessionExtension;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.ServiceLoader;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.SparkSessionExtensionsProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI's session skips MLlib's session extension, and only it: the hiding loader drops the
 * declaration that names it alone, keeps any other, and leaves every other resource alone; and
 * nothing of ours calls the functions that extension registers.
 */
@ExtendWith(SparkSessionExtension.class)
class CliSessionTest {
    private static List<String> providers(ClassLoader loader) {
        List<String> names = new ArrayList<>();
        for (ServiceLoader.Provider<SparkSessionExtensionsProvider> p
                : ServiceLoader.load(SparkSessionExtensionsProvider.class, loader).stream().toList()) {
            names.add(p.type().getName());
        }
        return names;
    }

    @Test
    void mllibsExtensionIsHiddenAndOnlyIt() throws IOException, ClassNotFoundException {
        ClassLoader plain = CliSessionTest.class.getClassLoader();
        assertTrue(providers(plain).containsAll(CliSession.SKIPPED),
                "spark-mllib no longer declares " + CliSession.SKIPPED + ": the hiding has nothing to hide; " + providers(plain));
        CliSession.Hiding hiding = new CliSession.Hiding(plain);
        List<String> left = providers(hiding);
        assertTrue(Collections.disjoint(left, CliSession.SKIPPED), left.toString());
        List<String> others = new ArrayList<>(providers(plain));
        others.removeAll(CliSession.SKIPPED);
        assertEquals(others, left, "another jar's extension must still be applied");
        String other = "org/apache/spark/SparkContext.class";
        assertEquals(Collections.list(plain.getResources(other)), Collections.list(hiding.getResources(other)));
        assertSame(plain.loadClass("org.apache.spark.SparkContext"), hiding.loadClass("org.apache.spark.SparkContext"));
    }

    @Test
    void aDeclarationNamingAnotherProviderIsKeptWhole(@TempDir Path dir) throws IOException {
        Path services = dir.resolve(CliSession.EXTENSIONS);
        Files.createDirectories(services.getParent());
        Files.writeString(services, "# ours and MLlib's\n" + CliSession.SKIPPED.iterator().next()
                + "\ncom.example.Other # trailing comment\n");
        try (URLClassLoader jar = new URLClassLoader(new URL[] {dir.toUri().toURL()}, null)) {
            CliSession.Hiding hiding = new CliSession.Hiding(jar);
            List<URL> kept = Collections.list(hiding.getResources(CliSession.EXTENSIONS));
            assertEquals(List.of(services.toUri().toURL()), kept);
            assertEquals(List.of(CliSession.SKIPPED.iterator().next(), "com.example.Other"),
                    CliSession.Hiding.providers(kept.get(0)));
            Files.writeString(services, CliSession.SKIPPED.iterator().next() + "\n");
            assertTrue(Collections.list(hiding.getResources(CliSession.EXTENSIONS)).isEmpty());
        }
    }

    /**
     * Without MLlib's extension these names do not resolve in a command's session: our code must
     * not use them (nor {@code ml.functions}, whose vector/array conversions call them, nor
     * one-vs-rest models, which do too).
     */
    @Test
    void noCodeOfOursCallsTheHiddenFunctions() throws IOException {
        List<String> uses = new ArrayList<>();
        try (var files = Files.walk(Path.of("src/main/java"))) {
            // CliSession.java names them in saying why they are hidden.
            for (Path f : files.filter(p -> p.toString().endsWith(".java") && !p.endsWith("CliSession.java")).toList()) {
                String code = Files.readString(f);
                for (String name : List.of("vector_to_array", "array_to_vector", "aggregate_metrics",
                        "org.apache.spark.ml.functions", "OneVsRest")) {
                    if (code.contains(name)) {
                        uses.add(f + ": " + name);
                    }
                }
            }
        }
        assertTrue(uses.isEmpty(), "a command's session has no MLlib SQL functions (cli.CliSession): " + uses);
    }

    @Test
    void aRunningSessionIsTakenAndTheThreadsLoaderRestored() {
        ClassLoader before = Thread.currentThread().getContextClassLoader();
        SparkSession running = SparkSessionExtension.spark();
        SparkSession got = CliSession.start(Main.defaults().setAppName("ignored"));
        assertSame(running.sparkContext(), got.sparkContext());
        assertSame(before, Thread.currentThread().getContextClassLoader());
        assertFalse(got.sparkContext().isStopped());
    }
}
