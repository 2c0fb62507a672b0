package io.sparkdigits.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkdigits.testing.Cli;
import io.sparkdigits.testing.SparkSessionExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --label-column}: a table whose class is last (as UCI's are) or named in its header trains
 * the same model, to the bit, as the same rows with the class first; evaluate and predict read it
 * the same way; an input that is not CSV refuses the option.
 */
@ExtendWith(SparkSessionExtension.class)
class LabelColumnTest {
    @TempDir
    static Path dir;

    /** Three classes over five features, label first: enough to learn, small enough to train in seconds. */
    private static List<String> rows(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<String> lines = new ArrayList<>();
        for (int r = 0; r < n; r++) {
            int c = random.nextInt(3);
            StringBuilder sb = new StringBuilder().append(c);
            for (int f = 0; f < 5; f++) {
                double v = (f == c ? 2.0 : 0.0) + random.nextDouble() * 3;
                sb.append(',').append(String.format(java.util.Locale.ROOT, "%.3f", v));
            }
            lines.add(sb.toString());
        }
        return lines;
    }

    /** The rows with the label moved to column {@code at} (0-based). */
    private static List<String> moved(List<String> rows, int at) {
        return rows.stream().map(line -> {
            List<String> f = new ArrayList<>(Arrays.asList(line.split(",")));
            f.add(at, f.remove(0));
            return String.join(",", f);
        }).toList();
    }

    private static Path write(String name, List<String> lines, UnaryOperator<List<String>> change) throws IOException {
        return Files.write(dir.resolve(name), change.apply(lines));
    }

    private static Cli.Result run(String... args) {
        return Cli.run(SparkSessionExtension.spark(), args);
    }

    private static byte[] train(Path data, Path test, String name, String... extra) throws IOException {
        List<String> args = new ArrayList<>(List.of("train", "--train", data.toString(), "--test", test.toString(),
                "--model", dir.resolve(name).toString(), "--epochs", "3", "--hidden", "16"));
        args.addAll(List.of(extra));
        Cli.Result r = run(args.toArray(String[]::new));
        assertEquals(0, r.code(), r.toString());
        return Files.readAllBytes(dir.resolve(name).resolve("weights.bin"));
    }

    private static String accuracy(Path model, Path data, String... extra) {
        List<String> args = new ArrayList<>(List.of("evaluate", "--model", model.toString(), "--data", data.toString()));
        args.addAll(List.of(extra));
        Cli.Result r = run(args.toArray(String[]::new));
        assertEquals(0, r.code(), r.toString());
        return r.out().lines().filter(l -> l.startsWith("accuracy")).findFirst().orElseThrow(() -> new AssertionError(r));
    }

    @Test
    void theLabelIsReadFromTheColumnAskedForAndTheModelIsTheSame() throws IOException {
        List<String> train = rows(600, 1);
        List<String> test = rows(200, 2);
        byte[] first = train(write("first.csv", train, l -> l), write("first-test.csv", test, l -> l), "first");
        Path lastTest = write("last-test.csv", test, l -> moved(l, 5));
        assertArrayEquals(first, train(write("last.csv", train, l -> moved(l, 5)), lastTest, "last",
                "--label-column", "last"));
        UnaryOperator<List<String>> header = l -> Stream.concat(Stream.of("a,b,class,c,d,e"), l.stream()).toList();
        assertArrayEquals(first, train(write("named.csv", moved(train, 2), header),
                write("named-test.csv", moved(test, 2), header), "named", "--label-column", "class"));
        assertArrayEquals(first, train(write("third.csv", moved(train, 2), l -> l), write("third-test.csv",
                moved(test, 2), l -> l), "third", "--label-column", "3"));

        String expected = accuracy(dir.resolve("first"), dir.resolve("first-test.csv"));
        assertTrue(expected.matches("accuracy\\s+0\\.[5-9].*|accuracy\\s+1\\.0.*"), "the table is learned: " + expected);
        assertEquals(expected, accuracy(dir.resolve("first"), lastTest, "--label-column", "last"));
        assertEquals(expected, accuracy(dir.resolve("last"), lastTest), "a model reads labels where its training data had them");
        assertEquals(expected, accuracy(dir.resolve("last"), dir.resolve("first-test.csv"), "--label-column", "first"));
        Cli.Result named = run("evaluate", "--model", dir.resolve("last").toString(), "--data",
                dir.resolve("named-test.csv").toString());
        assertEquals(2, named.code(), "a header that names another column the label outweighs the model's default");
        assertTrue(named.err().contains("named-test.csv: line 1: column 3 is named 'class', but the label is read from"
                + " column 6 ('e')"), named.toString());

        Map<Long, String> labels = predictedLabels(dir.resolve("first"), lastTest, "--label-column", "last");
        assertEquals(test.size(), labels.size());
        for (int row = 0; row < test.size(); row++) {
            assertEquals(test.get(row).split(",")[0], labels.get((long) row), "row " + row + "'s own class");
        }
        List<String> unlabeled = test.stream().map(l -> l.substring(l.indexOf(',') + 1)).toList();
        Path features = write("unlabeled.csv", unlabeled, l -> l);
        Map<Long, String> none = predictedLabels(dir.resolve("last"), features);
        assertEquals(test.size(), none.size());
        assertTrue(none.values().stream().allMatch(String::isEmpty),
                "rows as wide as the model's input carry no label, whatever the model's training data had");
    }

    /**
     * Pictures without a header whose label is last: column 1 is a corner pixel, blank in every
     * image, so every "label" is 0. The refusal says where the label may be.
     */
    @Test
    void blankFirstColumnsPointToTheLabelColumn() throws IOException {
        SplittableRandom random = new SplittableRandom(3);
        List<String> lines = new ArrayList<>();
        for (int r = 0; r < 40; r++) {
            StringBuilder sb = new StringBuilder("0");
            for (int p = 1; p < 256; p++) {
                sb.append(',').append(p % 16 > 3 && p % 16 < 12 ? random.nextInt(256) : 0);
            }
            lines.add(sb.append(',').append(random.nextInt(10)).toString());
        }
        Path last = write("pictures-label-last.csv", lines, l -> l);
        Cli.Result r = run("train", "--train", last.toString(), "--model", dir.resolve("blank").toString(), "--epochs", "1");
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("pictures-label-last.csv: every label is 0")
                && r.err().contains("if the label is not in column 1, give --label-column (last, or its number)"), r.err());
        assertFalse(Files.exists(dir.resolve("blank")), "nothing written");
        Cli.Result chosen = run("train", "--train", last.toString(), "--model", dir.resolve("blank").toString(),
                "--epochs", "1", "--label-column", "first");
        assertEquals(2, chosen.code(), chosen.toString());
        assertTrue(chosen.err().contains("every label is 0") && !chosen.err().contains("give --label-column"),
                "column 1 was asked for: no hint " + chosen.err());
        assertEquals(0, run("train", "--train", last.toString(), "--model", dir.resolve("blank").toString(),
                "--epochs", "1", "--label-column", "last").code());
    }

    /** {@code predict}'s label column by input row (empty for unlabeled rows). */
    private static Map<Long, String> predictedLabels(Path model, Path input, String... extra) throws IOException {
        Path out = dir.resolve("predicted-" + input.getFileName() + "-" + model.getFileName());
        List<String> args = new ArrayList<>(List.of("predict", "--model", model.toString(), "--input", input.toString(),
                "--output", out.toString()));
        args.addAll(List.of(extra));
        Cli.Result p = run(args.toArray(String[]::new));
        assertEquals(0, p.code(), p.toString());
        Map<Long, String> labels = new TreeMap<>();
        try (var parts = Files.list(out)) {
            for (Path part : parts.filter(f -> f.getFileName().toString().startsWith("part-")).toList()) {
                List<String> lines = Files.readAllLines(part);
                List<String> header = Arrays.asList(lines.get(0).split(","));
                int row = header.indexOf("row");
                int label = header.indexOf("label");
                lines.stream().skip(1).map(l -> l.split(",", -1)).forEach(f -> labels.put(Long.parseLong(f[row]),
                        label < 0 ? "" : f[label]));
            }
        }
        return labels;
    }

    @Test
    void aColumnThatIsNotThereOrAnInputThatIsNotCsvIsRefused() throws IOException {
        Path data = write("plain.csv", rows(50, 3), l -> l);
        Cli.Result r = run("train", "--train", data.toString(), "--model", dir.resolve("none").toString(),
                "--label-column", "class");
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("plain.csv: --label-column 'class' names a column, but no file starts with a header"
                + " line"), r.toString());
        assertFalse(r.err().contains("\tat "), r.toString());
        assertFalse(Files.exists(dir.resolve("none")), "nothing written");
        Cli.Result zero = run("train", "--train", data.toString(), "--model", dir.resolve("none").toString(),
                "--label-column", "0");
        assertEquals(2, zero.code(), zero.toString());
        assertTrue(zero.err().contains("--label-column must be first, last, a column number from 1"), zero.toString());

        Path parquet = dir.resolve("rows.parquet");
        SparkSessionExtension.spark().range(3).selectExpr("cast(id as double) as label",
                "array(1.0, 2.0) as features").write().parquet(parquet.toString());
        Cli.Result pq = run("train", "--train", parquet.toString(), "--model", dir.resolve("none").toString(),
                "--label-column", "last");
        assertEquals(2, pq.code(), pq.toString());
        assertTrue(pq.err().contains("rows.parquet: --label-column is for CSV input; Parquet's label is the column named"
                + " 'label'"), pq.toString());
    }
}
