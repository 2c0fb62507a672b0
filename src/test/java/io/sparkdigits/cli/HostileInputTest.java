package io.sparkdigits.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkdigits.testing.Cli;
import io.sparkdigits.testing.SparkSessionExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile input: a seeded corpus of defective CSV files, gzip files, IDX files and model
 * directories goes through the command line in-process, and every case must either mean what
 * the README's "Hostile input" paragraph says it means (exit 0) or be refused with exit 2 and one
 * line on stderr naming the file (and its line where a row is at fault); never a stack trace,
 * never an output written in part. The expected verdict of a CSV case comes from {@link CsvOracle},
 * a plain reading of the documented rules, so the parser is checked against the rules, not
 * against itself. Rows are 4 pixels wide so that a case costs milliseconds, not a real load.
 */
@ExtendWith(SparkSessionExtension.class)
class HostileInputTest {
    private static final long SEED = 0x5EED_11L;
    static final String HEADER = "label,p1,p2,p3,p4";

    @TempDir
    static Path dir;
    static Path model;
    static final Map<String, Integer> counts = new LinkedHashMap<>();
    static final List<String> failures = new ArrayList<>();
    static int caseNo;

    @BeforeAll
    static void trainTinyModel() throws IOException {
        Path train = Files.write(dir.resolve("train.csv"), goodRows(new SplittableRandom(1), 40, true));
        model = dir.resolve("model");
        Cli.Result k = Cli.run(SparkSessionExtension.spark(), "train", "--train", train.toString(), "--model",
                dir.resolve("kept").toString(), "--hidden", "4", "--epochs", "1", "--batch-size", "16");
        assertEquals(0, k.code(), k.toString());
        Cli.Result r = Cli.run(SparkSessionExtension.spark(), "train", "--train", train.toString(), "--model",
                model.toString(), "--hidden", "4", "--epochs", "1", "--batch-size", "16");
        assertEquals(0, r.code(), r.toString());
    }

    @AfterAll
    static void printCorpus() {
        StringBuilder table = new StringBuilder("hostile input corpus (seed " + SEED + "):\n");
        counts.forEach((k, v) -> table.append(String.format("  %-28s %5d%n", k, v)));
        table.append(String.format("  %-28s %5d%n", "total", counts.values().stream().mapToInt(i -> i).sum()));
        System.out.print(table);
    }

    static List<String> goodRows(SplittableRandom r, int n, boolean header) {
        List<String> lines = new ArrayList<>();
        if (header) {
            lines.add(HEADER);
        }
        for (int i = 0; i < n; i++) {
            lines.add(r.nextInt(10) + "," + r.nextInt(256) + "," + r.nextInt(256) + "," + r.nextInt(256) + ","
                    + r.nextInt(256));
        }
        return lines;
    }

    @Test
    void everyDefectiveInputMeansWhatTheReadmeSaysOrIsRefusedInOneLine() throws IOException {
        SplittableRandom r = new SplittableRandom(SEED);
        CsvCases csv = new CsvCases(dir.resolve("csv"), r.split());
        csv.all((category, file, expect) -> {
            judge(category, expect, evaluate(file), file);
            // Some also go through predict and train, whose outputs must then be all or nothing.
            if (caseNo % 12 == 0 && CsvOracle.firstLineFields(file) == CsvCases.WIDTH + 1) {
                judgePredict(category, expect, file);
            }
            if (caseNo % 45 == 0 && CsvOracle.firstLineFields(file) == CsvCases.WIDTH + 1) {
                judgeTrain(category, expect, file);
            }
        });
        ModelCases models = new ModelCases(model, dir.resolve("models"), r.split());
        models.all((category, m, mustRefuse) -> judgeModel(category, m, mustRefuse));
        IdxCases idx = new IdxCases(dir.resolve("idx"), r.split());
        idx.all(HostileInputTest::judgeIdx);
        int total = counts.values().stream().mapToInt(i -> i).sum();
        Files.write(Path.of("target", "hostile-input-failures.txt"), failures);
        assertTrue(total >= 2000, "only " + total + " cases");
        assertTrue(failures.isEmpty(), failures.size() + " of " + total + " cases went wrong:\n"
                + String.join("\n\n", failures.subList(0, Math.min(15, failures.size()))));
    }

    private static Path report(int n) {
        return dir.resolve("reports").resolve("r" + n + ".json");
    }

    private static Cli.Result evaluate(Path data) {
        caseNo++;
        return Cli.run(SparkSessionExtension.spark(), "evaluate", "--model", model.toString(), "--data",
                data.toString(), "--report", report(caseNo).toString());
    }

    /** Records a failure unless {@code r} is what {@code expect} allows. */
    static void judge(String category, CsvOracle.Verdict expect, Cli.Result r, Path file) {
        counts.merge(category, 1, Integer::sum);
        String problem = expect.problemWith(r, Files.exists(report(caseNo)));
        if (problem != null) {
            failures.add("[" + category + "] " + file + ": " + problem + "\nexpected " + expect + "\n" + r
                    + "\n--- input\n" + excerpt(file));
        }
    }

    static void judgePredict(String category, CsvOracle.Verdict expect, Path file) {
        counts.merge("predict: " + category, 1, Integer::sum);
        Path out = dir.resolve("predictions").resolve("p" + caseNo);
        Cli.Result r = Cli.run(SparkSessionExtension.spark(), "predict", "--model", model.toString(), "--input",
                file.toString(), "--output", out.toString());
        String problem = expect.problemWith(r, Files.exists(out));
        if (problem != null) {
            failures.add("[predict: " + category + "] " + file + ": " + problem + "\n" + r + "\n--- input\n" + excerpt(file));
        }
    }

    /** Trains onto an existing model: refused, it must be left byte for byte as it was. */
    static void judgeTrain(String category, CsvOracle.Verdict expect, Path file) {
        counts.merge("train: " + category, 1, Integer::sum);
        Path kept = dir.resolve("kept");
        try {
            byte[] weights = Files.readAllBytes(kept.resolve("weights.bin"));
            byte[] manifest = Files.readAllBytes(kept.resolve("model.json"));
            Cli.Result r = Cli.run(SparkSessionExtension.spark(), "train", "--train", file.toString(), "--model",
                    kept.toString(), "--hidden", "4", "--epochs", "1", "--batch-size", "16");
            boolean same = Arrays.equals(weights, Files.readAllBytes(kept.resolve("weights.bin")))
                    && Arrays.equals(manifest, Files.readAllBytes(kept.resolve("model.json")));
            // "Written" for a refusal means the old model changed.
            String problem = expect.problemWith(r, r.code() == 0 ? Files.exists(kept.resolve("model.json")) : !same);
            if (problem != null) {
                failures.add("[train: " + category + "] " + file + ": " + problem + "\n" + r + "\n--- input\n" + excerpt(file));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void judgeModel(String category, Path m, boolean mustRefuse) {
        counts.merge(category, 1, Integer::sum);
        Cli.Result r = Cli.run(SparkSessionExtension.spark(), "evaluate", "--model", m.toString(), "--data",
                dir.resolve("train.csv").toString(), "--report", dir.resolve("models-report.json").toString());
        String problem = r.code() == 0 && mustRefuse ? "a damaged model was accepted"
                : CsvOracle.Verdict.oneLine(r, r.code() == 0 ? null : List.of(m.getFileName().toString()));
        if (problem == null && r.code() == 0 && !Files.exists(dir.resolve("models-report.json"))) {
            problem = "exit 0 but no report";
        }
        if (problem != null) {
            failures.add("[" + category + "] " + m + ": " + problem + "\n" + r);
        }
        try {
            Files.deleteIfExists(dir.resolve("models-report.json"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An IDX case: refused naming one of the two files with no output left, or converted in full. */
    static void judgeIdx(String category, Path images, Path labels, Path intact) {
        counts.merge(category, 1, Integer::sum);
        Path out = images.resolveSibling("out.csv");
        Cli.Result r = Cli.run(null, "convert-idx", "--images", images.toString(), "--labels", labels.toString(),
                "--output", out.toString());
        String problem;
        if (r.code() == 0) {
            problem = intact == null ? "a damaged IDX pair was converted"
                    : !Files.exists(out) ? "no output" : !sameAsConverted(out, intact) ? "converted to other data" : null;
        } else {
            problem = CsvOracle.Verdict.oneLine(r, null);
            boolean named = r.err().contains(images.getFileName().toString())
                    || r.err().contains(labels.getFileName().toString());
            problem = problem != null ? problem : !named ? "the message names neither file"
                    : Files.exists(out) ? "output written although refused" : null;
        }
        try (Stream<Path> left = Files.list(images.getParent())) {
            if (left.anyMatch(p -> p.getFileName().toString().startsWith("."))) {
                problem = "temporary file left behind";
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (problem != null) {
            failures.add("[" + category + "] " + images + ": " + problem + "\n" + r);
        }
    }

    /** Whether {@code out} equals the conversion of the undamaged pair in {@code intact}. */
    private static boolean sameAsConverted(Path out, Path intact) {
        Path expected = intact.resolve("out.csv");
        Cli.Result r = Cli.run(null, "convert-idx", "--images", intact.resolve("images-idx3-ubyte").toString(),
                "--labels", intact.resolve("labels-idx1-ubyte").toString(), "--output", expected.toString());
        try {
            return r.code() == 0 && Arrays.equals(Files.readAllBytes(expected), Files.readAllBytes(out));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String excerpt(Path file) {
        try {
            byte[] b = Files.readAllBytes(file);
            String s = new String(b, 0, Math.min(b.length, 600), StandardCharsets.ISO_8859_1);
            return s.replace("\0", "\\0").replace("\r", "\\r") + (b.length > 600 ? " ... (" + b.length + " bytes)" : "");
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    static byte[] gzip(byte[] data) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

}
