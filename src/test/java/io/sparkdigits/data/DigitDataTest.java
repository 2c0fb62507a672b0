package io.sparkdigits.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkdigits.testing.SparkSessionExtension;
import io.sparkdigits.testing.TestData;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Inputs as users have them: folders, globs, gzip, with or without header, bytes or floats. */
@ExtendWith(SparkSessionExtension.class)
class DigitDataTest {
    @TempDir
    Path dir;

    private static DigitData load(String path, CsvLayout.Header header, int partitions) {
        return DigitData.load(SparkSessionExtension.spark(), path,
                new DigitData.Options(header, false, partitions, 10), -1);
    }

    @Test
    void folderOfPlainAndGzippedFilesWithHeaders() throws IOException {
        List<String> lines = Files.readAllLines(TestData.TRAIN);
        Path folder = Files.createDirectories(dir.resolve("parts"));
        Files.write(folder.resolve("a.csv"), lines.subList(0, 301));
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(folder.resolve("b.csv.gz")))) {
            out.write((lines.get(0) + "\n" + String.join("\n", lines.subList(301, 501)) + "\n").getBytes(StandardCharsets.UTF_8));
        }
        Files.writeString(folder.resolve("_SUCCESS"), "");
        DigitData data = load(folder.toString(), CsvLayout.Header.AUTO, 3);
        try {
            assertEquals(500, data.rows());
            assertEquals(784, data.width());
            assertEquals(3, data.partitions());
            assertEquals(500L * 784, data.inputBytes(), "integer pixels are cached as one byte each");
            assertEquals(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK(), data.shards().getStorageLevel(),
                    "shards that do not fit in memory go to disk, not rebuilt at every step");
            String lineage = data.shards().rdd().toDebugString();
            assertTrue(lineage.contains("CoalescedRDD") && !lineage.contains("ShuffledRDD"),
                    "a local master deals a small input in memory: " + lineage);
            long[] per = data.rowsPerPartition();
            for (long n : per) {
                assertTrue(Math.abs(n - 500 / 3.0) <= ShardPacker.CHUNK_ROWS, "balanced: " + java.util.Arrays.toString(per));
            }
        } finally {
            data.release();
        }
    }

    /**
     * A local master deals the packed chunks in memory instead of by a shuffle; the shards must be
     * the same, whatever the number of input splits against partitions (fewer, as many, more, and
     * splits without rows).
     */
    @Test
    void theInMemoryDealGivesTheShufflesShards() {
        org.apache.spark.api.java.JavaSparkContext jsc =
                org.apache.spark.api.java.JavaSparkContext.fromSparkContext(SparkSessionExtension.spark().sparkContext());
        int[][] cases = {{5, 2}, {1, 3}, {2, 2}, {7, 3}, {3, 1}, {0, 2}};
        for (int[] c : cases) {
            int splits = c[0];
            int partitions = c[1];
            // Chunk RDDs of their own: the in-memory deal's tasks compute the cached splits
            // themselves, each waiting for the splits the other is computing.
            DigitData.Dealt inMemory = DigitData.deal(syntheticChunks(jsc, splits), partitions, true);
            DigitData.Dealt shuffled = DigitData.deal(syntheticChunks(jsc, splits), partitions, false);
            try {
                List<Shard> got = inMemory.shards().collect();
                List<Shard> expected = shuffled.shards().collect();
                assertEquals(partitions, got.size());
                for (int j = 0; j < partitions; j++) {
                    String what = splits + " splits, " + partitions + " partitions, partition " + j;
                    assertEquals(expected.get(j).rows(), got.get(j).rows(), what);
                    assertArrayEquals(expected.get(j).labels(), got.get(j).labels(), what);
                    assertArrayEquals(pixels(expected.get(j)), pixels(got.get(j)), what);
                }
                assertEquals(splits == 0 ? 0 : 1, Math.min(1, expected.stream().mapToInt(Shard::rows).sum()));
            } finally {
                shuffled.shards().unpersist(true);
                inMemory.shards().unpersist(true);
                inMemory.dropChunks();
            }
        }
    }

    /** The in-memory deal holds two copies for a while: only for text within a quarter of the storage memory. */
    @Test
    void onlyInputsThatFitTwiceAreDealtInMemory() {
        var codecs = new org.apache.hadoop.io.compress.CompressionCodecFactory(new org.apache.hadoop.conf.Configuration());
        CsvLayout.Headers none = new CsvLayout.Headers(false, java.util.Set.of());
        java.util.function.BiFunction<List<String>, List<Long>, CsvLayout> layout = (files, lengths) ->
                new CsvLayout("in", files, lengths, none, 785, 0, null);
        long storage = 1_000_000;
        assertTrue(DigitData.fitsTwice(layout.apply(List.of("a.csv", "b.csv"), List.of(150_000L, 100_000L)), codecs, storage));
        assertFalse(DigitData.fitsTwice(layout.apply(List.of("a.csv", "b.csv"), List.of(150_000L, 100_001L)), codecs, storage));
        long gz = 250_000 / DigitData.COMPRESSED_TEXT;
        assertTrue(DigitData.fitsTwice(layout.apply(List.of("a.csv.gz"), List.of(gz)), codecs, storage));
        assertFalse(DigitData.fitsTwice(layout.apply(List.of("a.csv.gz"), List.of(gz + 1)), codecs, storage),
                "a compressed file counts as the text it holds");
    }

    /** {@code splits} input splits of {@link #syntheticChunks(int)}; none at all for 0. */
    private static org.apache.spark.api.java.JavaPairRDD<Long, Shard> syntheticChunks(
            org.apache.spark.api.java.JavaSparkContext jsc, int splits) {
        org.apache.spark.api.java.JavaRDD<Integer> inputs = splits == 0 ? jsc.emptyRDD()
                : jsc.parallelize(java.util.stream.IntStream.range(0, splits).boxed().toList(), splits);
        assertEquals(splits, inputs.getNumPartitions());
        return inputs.mapPartitionsWithIndex((split, it) -> syntheticChunks(split), false).mapToPair(t -> t);
    }

    /** Split s has (s + 1) % 3 chunks of 1 to 3 rows of 4 values, each value naming its split, chunk and row. */
    private static java.util.Iterator<scala.Tuple2<Long, Shard>> syntheticChunks(int split) {
        List<scala.Tuple2<Long, Shard>> out = new java.util.ArrayList<>();
        for (int chunk = 0; chunk < (split + 1) % 3; chunk++) {
            int rows = 1 + (split + chunk) % 3;
            short[] labels = new short[rows];
            byte[] pixels = new byte[rows * 4];
            for (int r = 0; r < rows; r++) {
                labels[r] = (short) (split * 10 + chunk);
                for (int k = 0; k < 4; k++) {
                    pixels[r * 4 + k] = (byte) (split * 31 + chunk * 7 + r * 4 + k);
                }
            }
            out.add(new scala.Tuple2<>(ShardPacker.key(split, chunk), Shard.ofBytes(rows, 4, labels, pixels)));
        }
        return out.iterator();
    }

    private static float[] pixels(Shard s) {
        int[] order = java.util.stream.IntStream.range(0, s.rows()).toArray();
        float[] x = new float[s.rows() * s.cols()];
        s.gather(order, 0, s.rows(), 1f, x, new short[s.rows()]);
        return x;
    }

    @Test
    void globWithoutHeaderAndFloatValues() throws IOException {
        Files.write(dir.resolve("x1.csv"), List.of("1,0.5,0,255", "2,0,0,1"));
        Files.write(dir.resolve("x2.csv"), List.of("3,1,2,3"));
        Files.write(dir.resolve("other.txt"), List.of("not,part,of,it"));
        DigitData data = load(dir.resolve("x*.csv").toString(), CsvLayout.Header.AUTO, 2);
        try {
            assertEquals(0, data.layout().headerCount());
            assertEquals(3, data.rows());
            assertEquals(3, data.width());
            List<Shard> shards = data.shards().collect();
            assertTrue(shards.stream().anyMatch(s -> !s.isBytes() && s.rows() > 0), "0.5 keeps its shard float");
            assertEquals(255f, data.maxValue());
        } finally {
            data.release();
        }
    }

    @Test
    void aRowThatTurnsItsBlockToFloatsKeepsTheIntegersBeforeItsFirstFraction() throws IOException {
        Files.write(dir.resolve("t.csv"), List.of("1,3,4,5", "2,7,255,0.5", "0,1,2.25,3"));
        DigitData data = load(dir.resolve("t.csv").toString(), CsvLayout.Header.AUTO, 1);
        try {
            Shard shard = data.shards().collect().get(0);
            assertFalse(shard.isBytes());
            float[] x = new float[9];
            short[] y = new short[3];
            shard.gather(null, 0, 3, 1f, x, y);
            assertArrayEquals(new float[] {3, 4, 5, 7, 255, 0.5f, 1, 2.25f, 3}, x);
            assertArrayEquals(new short[] {1, 2, 0}, y);
        } finally {
            data.release();
        }
    }

    @Test
    void columnSumsAddThePickedRowsOfEveryPartitionInOrder() throws IOException {
        Files.write(dir.resolve("s.csv"), List.of("0,1,10", "1,2,20", "0,3,30.5", "1,4,40"));
        DigitData data = load(dir.resolve("s.csv").toString(), CsvLayout.Header.AUTO, 1);
        try {
            DigitData.ColumnSums all = data.columnSums((rows, partition) -> null);
            assertEquals(4, all.rows());
            assertArrayEquals(new double[] {10, 100.5}, all.sum());
            assertArrayEquals(new double[] {30, 100 + 400 + 930.25 + 1600}, all.sumSq());
            DigitData.ColumnSums two = data.columnSums((rows, partition) -> new int[] {1, 3});
            assertEquals(2, two.rows());
            assertArrayEquals(new double[] {6, 60}, two.sum());
        } finally {
            data.release();
        }
    }

    @Test
    void sameFilesAndPartitionCountGiveTheSameShards() {
        DigitData a = load(TestData.TRAIN.toString(), CsvLayout.Header.YES, 2);
        DigitData b = load(TestData.TRAIN.toString(), CsvLayout.Header.YES, 2);
        try {
            List<Shard> sa = a.shards().collect();
            List<Shard> sb = b.shards().collect();
            for (int p = 0; p < 2; p++) {
                assertEquals(java.util.Arrays.toString(sa.get(p).labels()), java.util.Arrays.toString(sb.get(p).labels()));
            }
        } finally {
            a.release();
            b.release();
        }
    }

    /**
     * The splits follow the partitions asked for, not the session's own split settings: a user's
     * {@code spark.sql.files.maxPartitionBytes} must not change the shards, and so the model.
     */
    @Test
    void theSessionsSplitSizeDoesNotChangeTheShards() {
        var conf = SparkSessionExtension.spark().conf();
        DigitData plain = load(TestData.TRAIN.toString(), CsvLayout.Header.AUTO, 3);
        DigitData small = null;
        try {
            conf.set("spark.sql.files.maxPartitionBytes", "12345");
            small = load(TestData.TRAIN.toString(), CsvLayout.Header.AUTO, 3);
            assertEquals(3, small.partitions());
            assertArrayEquals(plain.shards().map(s -> s.labels()).collect().toArray(),
                    small.shards().map(s -> s.labels()).collect().toArray());
        } finally {
            plain.release();
            if (small != null) {
                small.release();
            }
            conf.unset("spark.sql.files.maxPartitionBytes");
        }
    }
}
