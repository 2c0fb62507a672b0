package io.sparkdigits.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkdigits.data.CsvLayout;
import io.sparkdigits.data.LabelColumn;
import io.sparkdigits.model.Model;
import io.sparkdigits.nn.Activation;
import io.sparkdigits.nn.Init;
import io.sparkdigits.nn.NetworkSpec;
import io.sparkdigits.testing.SparkSessionExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Row keys across splits: a file cut in two, another whole, each with a header and blank lines
 * (some at the cut); every output row's key is its input row's 0-based position in its file.
 */
@ExtendWith(SparkSessionExtension.class)
class RowKeysTest {
    @TempDir
    Path dir;

    /** An irregular label for data row {@code i}: a wrong key cannot match every label by chance. */
    private static int label(long i) {
        return (int) ((i * 7 + i / 13) % 10);
    }

    private void write(String name, int rows) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("label," + String.join(",", java.util.Collections.nCopies(784, "px")));
        String pixels = ",0".repeat(783);
        for (int i = 0; i < rows; i++) {
            if (i % 37 == 5) {
                lines.add(i % 2 == 0 ? "" : " \t");
            }
            lines.add(label(i) + "," + (i % 256) + pixels);
        }
        Files.write(dir.resolve(name), lines);
    }

    @Test
    void everyOutputRowIsKeyedByItsPositionInItsFile() throws IOException {
        write("a.csv", 600);
        write("b.csv", 170);
        SparkSession spark = SparkSessionExtension.spark();
        String before = spark.conf().get("spark.sql.files.openCostInBytes");
        spark.conf().set("spark.sql.files.openCostInBytes", "10000"); // small files still split
        try {
            NetworkSpec spec = new NetworkSpec(new int[] {784, 8, 10}, Activation.RELU);
            Model model = new Model(spec, Init.initialize(spec, 3), 1f / 255f, Map.of(), Map.of());
            Path out = dir.resolve("pred");
            BatchScorer.Result r = BatchScorer.score(spark, model, dir.resolve("*.csv").toString(), out.toString(),
                    new BatchScorer.Settings(CsvLayout.Header.AUTO, LabelColumn.DEFAULT, false, "csv", false));
            assertEquals(770, r.rows());
            List<Row> rows = spark.read().option("header", "true").option("inferSchema", "true")
                    .csv(out.toString()).collectAsList();
            Map<String, Set<Long>> keys = new HashMap<>();
            for (Row row : rows) {
                long key = row.getInt(row.fieldIndex("row"));
                assertEquals(label(key), row.getInt(row.fieldIndex("label")), "label of row " + key);
                keys.computeIfAbsent(row.getString(row.fieldIndex("file")), f -> new TreeSet<>()).add(key);
            }
            Map<Integer, Set<Long>> bySize = keys.values().stream().collect(Collectors.toMap(Set::size, k -> k));
            assertEquals(LongStream.range(0, 600).boxed().collect(Collectors.toSet()), bySize.get(600));
            assertEquals(LongStream.range(0, 170).boxed().collect(Collectors.toSet()), bySize.get(170));
            long splits = spark.read().text(dir.resolve("a.csv").toString())
                    .select("_metadata.file_block_start").distinct().count();
            assertTrue(splits >= 2, "a.csv must be read in several splits, was " + splits);
        } finally {
            spark.conf().set("spark.sql.files.openCostInBytes", before);
        }
    }
}
