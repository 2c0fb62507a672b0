package io.sparkdigits.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.launcher.JavaModuleOptions;
import org.junit.jupiter.api.Test;

/**
 * The JVM options Spark 4 needs on Java 17 are written down twice, for the launcher
 * (conf/java-module-options) and for Maven's test JVMs (pom.xml): both must hold every option of
 * the Spark version we build against.
 */
class JvmOptionsTest {

    private static Set<String> launcherOptions() throws Exception {
        Set<String> options = new LinkedHashSet<>();
        for (String line : Files.readAllLines(Path.of("conf/java-module-options"))) {
            if (!line.isBlank() && !line.startsWith("#")) {
                options.add(line.trim());
            }
        }
        return options;
    }

    private static Set<String> pomOptions() throws Exception {
        Matcher m = Pattern.compile("<spark.jvm.options>(.*?)</spark.jvm.options>", Pattern.DOTALL)
                .matcher(Files.readString(Path.of("pom.xml")));
        assertTrue(m.find(), "pom.xml has no <spark.jvm.options>");
        return new LinkedHashSet<>(Arrays.asList(m.group(1).trim().split("\\s+")));
    }

    @Test
    void launcherAndMavenUseTheSameOptions() throws Exception {
        assertEquals(pomOptions(), launcherOptions());
    }

    @Test
    void everyOptionSparkAsksForIsThere() throws Exception {
        List<String> spark = Arrays.asList(JavaModuleOptions.defaultModuleOptionArray());
        Set<String> ours = launcherOptions();
        for (String option : spark) {
            assertTrue(ours.contains(option), "conf/java-module-options lacks " + option);
        }
    }
}
