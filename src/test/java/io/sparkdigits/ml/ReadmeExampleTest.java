package io.sparkdigits.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkdigits.testing.SparkSessionExtension;
import io.sparkdigits.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The README's Spark example is the code of {@link ReadmeExample}, and it runs. */
@ExtendWith(SparkSessionExtension.class)
class ReadmeExampleTest {
    private static final Path SOURCE = Path.of("src/test/java/io/sparkdigits/ml/ReadmeExample.java");

    @Test
    void theReadmeShowsTheExampleVerbatim() throws Exception {
        assertEquals(region(Files.readAllLines(SOURCE)), readmeBlock(Files.readAllLines(Path.of("README.md"))));
    }

    @Test
    void theExampleTrainsSavesLoadsAndAnswersSql(@TempDir Path dir) throws Exception {
        ReadmeExample.Result r = ReadmeExample.run(SparkSessionExtension.spark(), TestData.TRAIN.toString(),
                TestData.TEST.toString(), dir.resolve("model").toString());
        assertTrue(r.accuracy() > 0.6, "accuracy " + r.accuracy());
        assertEquals(500, r.sql().count());
        long right = r.sql().where("label = predicted").count();
        assertEquals(Math.round(r.accuracy() * 500), right, "SQL predicts as the pipeline did before saving");
    }

    /** The lines between the markers, without the method body's indentation. */
    private static List<String> region(List<String> lines) {
        int from = indexOf(lines, "// README begin") + 1;
        int to = indexOf(lines, "// README end");
        return lines.subList(from, to).stream().map(l -> l.length() >= 8 ? l.substring(8) : l.strip()).toList();
    }

    /** The java block of the README section "Use from Spark code". */
    private static List<String> readmeBlock(List<String> lines) {
        int section = indexOf(lines, "## Use from Spark code");
        int open = section + lines.subList(section, lines.size()).indexOf("```java") + 1;
        int close = open + lines.subList(open, lines.size()).indexOf("```");
        return lines.subList(open, close);
    }

    private static int indexOf(List<String> lines, String marker) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).strip().equals(marker)) {
                return i;
            }
        }
        throw new AssertionError("no line '" + marker + "'");
    }
}
