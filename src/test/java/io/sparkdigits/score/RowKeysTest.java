package io.sparkdigits.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkdigits.data.CsvFrames;
import io.sparkdigits.data.CsvLayout;
import io.sparkdigits.testing.SparkSessionExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Row keys across many splits: two files cut into several splits each, with a header and blank
 * lines, every data row's key is its 0-based position among its file's data rows.
 */
@ExtendWith(SparkSessionExtension.class)
class RowKeysTest {
    @TempDir
    Path dir;

    /** A header, then rows whose second value is the row's own position; some blank lines between. */
    private void write(String name, int rows) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("label," + String.join(",", java.util.Collections.nCopies(784, "px")));
        String zeros = ",0".repeat(783);
        for (int i = 0; i < rows; i++) {
            if (i % 37 == 5) {
                lines.add(i % 2 == 0 ? "" : " \t");
            }
            lines.add((i % 10) + "," + i + zeros);
        }
        Files.write(dir.resolve(name), lines);
    }

    @Test
    void everyDataRowIsKeyedByItsPositionInItsFile() throws IOException {
        write("a.csv", 300);
        write("b.csv", 170);
        SparkSession spark = SparkSessionExtension.spark();
        String before = spark.conf().get("spark.sql.files.openCostInBytes");
        spark.conf().set("spark.sql.files.openCostInBytes", "10000"); // small files still split
        try {
            CsvLayout layout = CsvLayout.inspect(dir.toString(), CsvLayout.Header.AUTO,
                    spark.sparkContext().hadoopConfiguration());
            int partitions = 7;
            RowKeys keys = RowKeys.count(spark, layout, partitions);
            Map<String, Long> ordinals = new HashMap<>();
            Set<String> blocks = new HashSet<>();
            int checked = 0;
            for (Row r : CsvFrames.read(spark, layout, partitions).collectAsList()) {
                String line = r.getString(CsvFrames.LINE);
                String file = r.getString(CsvFrames.FILE);
                long block = r.getLong(CsvFrames.BLOCK);
                blocks.add(block + "@" + file);
                if (line.isBlank() || line.startsWith("label")) {
                    continue;
                }
                long ordinal = ordinals.merge(block + "@" + file, 1L, Long::sum) - 1;
                long expected = Long.parseLong(line.split(",", 3)[1]);
                assertEquals(expected, keys.row(file, block, ordinal), line.substring(0, 10) + " in " + file + " @" + block);
                checked++;
            }
            assertEquals(470, checked);
            assertTrue(blocks.size() >= 6, "the files must be split: " + blocks);
        } finally {
            spark.conf().set("spark.sql.files.openCostInBytes", before);
        }
    }
}
