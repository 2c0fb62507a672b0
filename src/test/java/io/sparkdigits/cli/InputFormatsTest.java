package io.sparkdigits.cli;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkdigits.ml.DigitsClassificationModel;
import io.sparkdigits.model.ModelStore;
import io.sparkdigits.testing.Cli;
import io.sparkdigits.testing.SparkSessionExtension;
import io.sparkdigits.testing.TestData;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --format csv|parquet|image} on train, evaluate and predict: the committed sample as Parquet
 * with a Vector column, an array column and one column per pixel, and as a PNG folder made by
 * {@code convert-idx --to png}; the same rows in every format train the same model bit for bit.
 */
@ExtendWith(SparkSessionExtension.class)
class InputFormatsTest {
    @TempDir
    static Path dir;
    static Path csvModel;
    static double csvAccuracy;
    /** {@code predict --probabilities} of the CSV model on the test CSV, by row. */
    static List<Row> csvPredictions;
    /** Small and quick; one partition so that a one-split Parquet file and the CSV deal rows alike. */
    static final String[] TRAINING = {"--hidden", "16", "--epochs", "2", "--batch-size", "100", "--seed", "7",
        "--partitions", "1"};

    @BeforeAll
    static void writeTheSampleInEveryFormat() throws Exception {
        SparkSession spark = SparkSessionExtension.spark();
        for (String part : new String[] {"train", "test"}) {
            Path csv = part.equals("train") ? TestData.TRAIN : TestData.TEST;
            TestData.Rows rows = TestData.read(csv);
            parquet(spark, rows, "pixels", dir.resolve(part + "-pixels.parquet"));
            parquet(spark, rows, "vector", dir.resolve(part + "-vector.parquet"));
            if (part.equals("train")) {
                parquet(spark, rows, "array", dir.resolve(part + "-array.parquet"));
            }
            writeIdx(rows, dir.resolve(part + "-images.idx"), dir.resolve(part + "-labels.idx"));
        }
        csvModel = dir.resolve("csv-model");
        ok(train(TestData.TRAIN.toString(), csvModel));
        csvAccuracy = accuracy(csvModel, TestData.TEST.toString());
        Path out = dir.resolve("pred-csv");
        ok(Cli.run(spark, "predict", "--model", csvModel.toString(), "--input", TestData.TEST.toString(),
                "--output", out.toString(), "--probabilities"));
        csvPredictions = spark.read().option("header", "true").option("inferSchema", "true").csv(out.toString())
                .orderBy("row").collectAsList();
    }

    /**
     * The rows as one Parquet file: {@code label} and one int column per pixel, an {@code array<int>}
     * column {@code image} or a Vector column {@code v} (after the label, to show the order is free).
     */
    private static void parquet(SparkSession spark, TestData.Rows rows, String shape, Path out) {
        StructType t = new StructType();
        if (shape.equals("vector")) {
            t = t.add("v", new VectorUDT());
        }
        t = t.add("label", DataTypes.IntegerType);
        if (shape.equals("array")) {
            t = t.add("image", DataTypes.createArrayType(DataTypes.IntegerType));
        } else if (shape.equals("pixels")) {
            for (int i = 1; i <= rows.cols(); i++) {
                t = t.add("p" + i, DataTypes.IntegerType);
            }
        }
        List<Row> list = new java.util.ArrayList<>();
        for (int r = 0; r < rows.count(); r++) {
            int label = rows.labels()[r];
            int[] px = new int[rows.cols()];
            for (int c = 0; c < px.length; c++) {
                px[c] = rows.pixels()[r * px.length + c] & 0xFF;
            }
            List<Object> row = new java.util.ArrayList<>();
            switch (shape) {
                case "vector" -> {
                    row.add(Vectors.dense(Arrays.stream(px).asDoubleStream().toArray()));
                    row.add(label);
                }
                case "array" -> {
                    row.add(label);
                    row.add(Arrays.stream(px).boxed().toList());
                }
                default -> {
                    row.add(label);
                    Arrays.stream(px).forEach(row::add);
                }
            }
            list.add(RowFactory.create(row.toArray()));
        }
        spark.createDataFrame(list, t).coalesce(1).write().parquet(out.toString());
    }

    @Test
    void parquetOfEveryShapeTrainsTheCsvModelBitForBit() throws Exception {
        float[] fromCsv = ModelStore.load(csvModel.toString(), new Configuration()).params();
        for (String shape : new String[] {"pixels", "array", "vector"}) {
            Path model = dir.resolve(shape + "-model");
            ok(train(dir.resolve("train-" + shape + ".parquet").toString(), model));
            assertArrayEquals(fromCsv, ModelStore.load(model.toString(), new Configuration()).params(), shape);
        }
        assertEquals(csvAccuracy, accuracy(csvModel, dir.resolve("test-pixels.parquet").toString(), 500));
    }

    @Test
    void predictOnParquetKeysRowsAsOnCsv() throws Exception {
        SparkSession spark = SparkSessionExtension.spark();
        Path out = dir.resolve("pred-vector");
        Cli.Result r = ok(Cli.run(spark, "predict", "--model", csvModel.toString(), "--input",
                dir.resolve("test-vector.parquet").toString(), "--output", out.toString(), "--probabilities",
                "--output-format", "parquet"));
        assertTrue(r.out().contains("wrote 500 predictions"), r.toString());
        Dataset<Row> pred = spark.read().parquet(out.toString());
        assertEquals(Arrays.asList(csvPredictions.get(0).schema().fieldNames()), Arrays.asList(pred.columns()));
        List<Row> got = pred.orderBy("row").collectAsList();
        assertEquals(500, got.size());
        for (int i = 0; i < 500; i++) {
            assertEquals((long) i, got.get(i).getLong(1), "row keys are 0-based rows of the file");
            samePrediction(csvPredictions.get(i), got.get(i), "row " + i);
        }
        // Without a label column, the output has none.
        Path unlabeled = dir.resolve("unlabeled.parquet");
        spark.read().parquet(dir.resolve("test-vector.parquet").toString()).drop("label").write().parquet(unlabeled.toString());
        Path plain = dir.resolve("pred-unlabeled");
        ok(Cli.run(spark, "predict", "--model", csvModel.toString(), "--input", unlabeled.toString(), "--output", plain.toString()));
        assertEquals(List.of("file", "row", "prediction", "confidence"),
                List.of(spark.read().option("header", "true").csv(plain.toString()).columns()));
    }

    private static void samePrediction(Row csv, Row other, String what) {
        for (String c : new String[] {"label", "prediction"}) {
            assertEquals(csv.getInt(csv.fieldIndex(c)), other.getInt(other.fieldIndex(c)), c + " of " + what);
        }
        assertEquals(csv.getDouble(csv.fieldIndex("confidence")),
                ((Number) other.get(other.fieldIndex("confidence"))).doubleValue(), 1e-6, "confidence of " + what);
    }

    @Test
    void anImageFolderFromConvertIdxTrainsEvaluatesAndPredicts() throws Exception {
        SparkSession spark = SparkSessionExtension.spark();
        Path test = pngs("test", 500);
        try (Stream<Path> files = Files.walk(test)) {
            assertEquals(500, files.filter(p -> p.toString().endsWith(".png")).count());
        }
        assertTrue(Files.exists(test.resolve("7/00000.png")), "the first test image is a 7, in folder 7");
        // The pixels are the CSV's: every image is predicted as its CSV row is.
        Path out = dir.resolve("pred-images");
        ok(Cli.run(spark, "predict", "--model", csvModel.toString(), "--input", test.toString(), "--output", out.toString()));
        List<Row> pred = spark.read().option("header", "true").option("inferSchema", "true").csv(out.toString())
                .orderBy("file").collectAsList();
        assertEquals(500, pred.size());
        for (Row row : pred) {
            String file = row.getString(0);
            int index = Integer.parseInt(file.substring(file.lastIndexOf('/') + 1, file.length() - ".png".length()));
            assertEquals(0, row.getInt(1), "an image is one row");
            samePrediction(csvPredictions.get(index), row, file);
        }
        Path train = pngs("train", 300);
        Path model = dir.resolve("image-model");
        ok(train(train.toString(), model));
        assertTrue(accuracy(model, train.toString(), 300) > 0.3);
    }

    @Test
    void anImageOfAnotherSizeIsOneLineAndExitCode2() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("odd/3"));
        Files.copy(pngs("test", 500).resolve("7/00000.png"), folder.resolve("a.png"));
        BufferedImage small = new BufferedImage(20, 20, BufferedImage.TYPE_BYTE_GRAY);
        ImageIO.write(small, "png", folder.resolve("small.png").toFile());
        Cli.Result r = Cli.run(SparkSessionExtension.spark(), "evaluate", "--model", csvModel.toString(),
                "--data", dir.resolve("odd").toString(), "--report", dir.resolve("odd.json").toString());
        assertEquals(2, r.code(), r.toString());
        assertEquals(1, r.err().strip().lines().count(), r.toString());
        assertTrue(r.err().contains("small.png") && r.err().contains("20x20") && r.err().contains("28x28"), r.toString());
        Cli.Result mixed = Cli.run(SparkSessionExtension.spark(), "train", "--train", dir.resolve("odd").toString(),
                "--model", dir.resolve("odd-model").toString(), "--epochs", "1");
        assertEquals(2, mixed.code(), mixed.toString());
        assertTrue(mixed.err().contains("small.png") && mixed.err().contains("20x20"), mixed.toString());
        assertFalse(Files.exists(dir.resolve("odd-model")));
    }

    @Test
    void evaluateAndPredictTakeASavedStage() throws Exception {
        Path stage = dir.resolve("stage");
        DigitsClassificationModel.load(csvModel.toString()).write().save(stage.toString());
        assertEquals(csvAccuracy, accuracy(stage, TestData.TEST.toString()));
        ok(Cli.run(SparkSessionExtension.spark(), "predict", "--model", stage.toString(), "--input",
                TestData.TEST.toString(), "--output", dir.resolve("pred-stage").toString()));
    }

    @Test
    void convertIdxRefusesToReplaceAFolderItDidNotWrite() throws Exception {
        Path foreign = Files.createDirectories(dir.resolve("mine"));
        Files.writeString(foreign.resolve("notes.txt"), "keep");
        Cli.Result r = Cli.run(null, "convert-idx", "--images", dir.resolve("test-images.idx").toString(),
                "--labels", dir.resolve("test-labels.idx").toString(), "--output", foreign.toString(), "--to", "png");
        assertEquals(2, r.code(), r.toString());
        assertEquals("keep", Files.readString(foreign.resolve("notes.txt")));
        // Its own folder it replaces.
        Path ours = pngs("test", 10);
        ok(Cli.run(null, "convert-idx", "--images", dir.resolve("test-images.idx").toString(),
                "--labels", dir.resolve("test-labels.idx").toString(), "--output", ours.toString(), "--to", "png",
                "--limit", "5"));
        try (Stream<Path> files = Files.walk(ours)) {
            assertEquals(5, files.filter(p -> p.toString().endsWith(".png")).count());
        }
    }

    /** The first {@code n} images of the sample's IDX files as a PNG folder, written once. */
    private static synchronized Path pngs(String part, int n) {
        Path out = dir.resolve(part + "-png-" + n);
        if (!Files.exists(out.resolve("_SPARK_DIGITS_IMAGES"))) {
            ok(Cli.run(null, "convert-idx", "--images", dir.resolve(part + "-images.idx").toString(),
                    "--labels", dir.resolve(part + "-labels.idx").toString(), "--output", out.toString(), "--to", "png",
                    "--limit", Integer.toString(n)));
        }
        return out;
    }

    private static Cli.Result train(String data, Path model) {
        List<String> args = new java.util.ArrayList<>(List.of("train", "--train", data, "--model", model.toString()));
        args.addAll(List.of(TRAINING));
        return Cli.run(SparkSessionExtension.spark(), args.toArray(String[]::new));
    }

    private static double accuracy(Path model, String data) throws IOException {
        return accuracy(model, data, 500);
    }

    private static double accuracy(Path model, String data, long rows) throws IOException {
        Path report = Files.createTempFile(dir, "eval", ".json");
        Files.delete(report);
        ok(Cli.run(SparkSessionExtension.spark(), "evaluate", "--model", model.toString(), "--data", data,
                "--report", report.toString()));
        JsonNode json = new ObjectMapper().readTree(report.toFile());
        assertEquals(rows, json.get("rows").asLong(), data);
        return json.get("accuracy").asDouble();
    }

    private static Cli.Result ok(Cli.Result r) {
        assertEquals(0, r.code(), r.toString());
        return r;
    }

    /** The sample CSV as IDX files (what MNIST ships), for convert-idx. */
    private static void writeIdx(TestData.Rows rows, Path images, Path labels) throws IOException {
        ByteBuffer img = ByteBuffer.allocate(16 + rows.pixels().length).putInt(0x803).putInt(rows.count()).putInt(28).putInt(28);
        Files.write(images, img.put(rows.pixels()).array());
        ByteBuffer lab = ByteBuffer.allocate(8 + rows.count()).putInt(0x801).putInt(rows.count());
        for (short label : rows.labels()) {
            lab.put((byte) label);
        }
        Files.write(labels, lab.array());
    }
}
