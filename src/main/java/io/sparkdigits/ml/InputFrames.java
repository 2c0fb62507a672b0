package io.sparkdigits.ml;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.split;
import static org.apache.spark.sql.functions.when;

import io.sparkdigits.data.BadInputException;
import io.sparkdigits.data.DigitData;
import io.sparkdigits.data.InputFormat;
import io.sparkdigits.nn.NetworkSpec;
import io.sparkdigits.nn.Stage;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Parquet files and image folders as the command line reads them: turned into one frame of
 * {@code label, features, file, row, problem} that {@link FrameRows} packs into the trainer's shards
 * (the spark.ml stage's own path) and {@link FramePredictions} scores. It lives here because a
 * Parquet features column may hold ml Vectors, which only this package may know.
 *
 * <ul>
 *   <li>Parquet: a numeric {@code label} column (optional for predict) and either one Vector or
 *       {@code array<numeric>} column, or one numeric column per value, in column order. A row is
 *       {@code (file, row)}: the file and the 0-based row in it (Spark's {@code _metadata.row_index}).</li>
 *   <li>Images: read by Spark's {@code image} source (PNG and JPEG, every file under the folder
 *       whose name ends so), labelled by their folder's name ({@code DIR/7/a.png} is a 7), a
 *       colour image turned gray as {@code round(0.299 R + 0.587 G + 0.114 B)} (ITU-R BT.601 luma;
 *       alpha is ignored). Every image must be the model's input size (for training: the size of
 *       the first); nothing is resized.</li>
 * </ul>
 */
public final class InputFrames {
    static final String LABEL = "label";
    static final String FEATURES = "features";
    private static final String IMAGE_LABEL = "class folder";

    private InputFrames() {
    }

    /**
     * A file input as a frame of {@code label, features, file, row, problem}: whether it has
     * labels, its values per row, and what messages call the label.
     */
    record Frame(Dataset<Row> rows, boolean labeled, int width, String labelName) {
    }

    /**
     * Reads, checks, packs and caches labeled rows of {@code path}, as {@link DigitData#load} does for CSV.
     *
     * @param width values per row the caller expects (the model's input, the training data's), or -1
     * @param shape the image shape the caller expects, or null (then {@code width} decides)
     */
    public static DigitData load(SparkSession spark, String path, InputFormat format, int width, Stage.Shape shape,
                                 int classes, int partitions) {
        Frame frame = read(spark, path, format, width, shape, true);
        return FrameRows.loadFiles(frame.rows(), frame.labelName(), frame.width(), classes, partitions, path);
    }

    /** The image shape a model takes: its own, or square gray images of its width; null if neither. */
    public static Stage.Shape shape(NetworkSpec spec) {
        return spec.input() != null ? spec.input() : Stage.Shape.square(spec.inputSize());
    }

    static Frame read(SparkSession spark, String path, InputFormat format, int width, Stage.Shape shape,
                      boolean needLabels) {
        try {
            return switch (format) {
                case PARQUET -> parquet(spark, path, width, needLabels);
                case IMAGE -> images(spark, path, width, shape, needLabels);
                case CSV -> throw new IllegalArgumentException("CSV is read by DigitData and BatchScorer");
            };
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Frame parquet(SparkSession spark, String path, int width, boolean needLabels) throws IOException {
        exists(spark, path);
        Dataset<Row> raw = spark.read().parquet(path);
        StructType schema = raw.schema();
        boolean labeled = Arrays.asList(schema.fieldNames()).contains(LABEL);
        if (needLabels && !labeled) {
            throw new BadInputException(path + ": no column '" + LABEL + "' (the columns are "
                    + String.join(", ", schema.fieldNames()) + ")");
        }
        if (labeled && !(schema.apply(LABEL).dataType() instanceof NumericType)) {
            throw new BadInputException(path + ": column '" + LABEL + "' must be numeric, found "
                    + schema.apply(LABEL).dataType().catalogString());
        }
        List<StructField> rest = Arrays.stream(schema.fields()).filter(f -> !f.name().equals(LABEL)).toList();
        if (rest.isEmpty()) {
            throw new BadInputException(path + ": no column besides '" + LABEL + "' to read values from");
        }
        Column features;
        int values;
        if (rest.size() == 1 && !(rest.get(0).dataType() instanceof NumericType)) {
            String name = rest.get(0).name();
            try {
                FeatureColumns.features(schema, name);
                values = FrameRows.width(raw, name);
            } catch (IllegalArgumentException e) {
                throw new BadInputException(path + ": " + e.getMessage());
            }
            features = raw.col(quoted(name));
        } else {
            List<Column> columns = new ArrayList<>();
            for (StructField f : rest) {
                if (!(f.dataType() instanceof NumericType)) {
                    throw new BadInputException(path + ": column '" + f.name() + "' is " + f.dataType().catalogString()
                            + "; the values are one Vector or array column, or one numeric column each");
                }
                columns.add(raw.col(quoted(f.name())).cast("double"));
            }
            features = org.apache.spark.sql.functions.array(columns.toArray(Column[]::new));
            values = columns.size();
        }
        checkWidth(path, values, width);
        Dataset<Row> rows = raw.select(
                labeled ? raw.col(LABEL).cast("double").as(LABEL) : lit(null).cast("double").as(LABEL),
                features.as(FEATURES),
                col("_metadata.file_path").as("file"),
                col("_metadata.row_index").as("row"),
                lit(null).cast("string").as("problem"));
        return new Frame(rows, labeled, values, LABEL);
    }

    private static void checkWidth(String path, int values, int width) {
        if (width > 0 && values != width) {
            throw new BadInputException(path + ": rows have " + values + " values but the model expects " + width);
        }
    }

    private static String quoted(String name) {
        return "`" + name.replace("`", "``") + "`";
    }

    private static Frame images(SparkSession spark, String path, int width, Stage.Shape shape, boolean needLabels)
            throws IOException {
        Listing listing = list(spark, path);
        if (needLabels && listing.unlabeled() != null) {
            throw new BadInputException(listing.unlabeled() + ": not in a class folder; images to train on or to"
                    + " evaluate go in folders named by their label (DIR/0/*.png, DIR/1/*.png, ...)");
        }
        boolean labeled = listing.unlabeled() == null;
        Dataset<Row> raw = spark.read().format("image")
                .option("recursiveFileLookup", "true")
                .option("pathGlobFilter", InputFormat.IMAGE_GLOB)
                .load(path);
        Column h = col("image.height");
        Column w = col("image.width");
        String expected;
        Column wrongSize;
        if (shape != null && shape.c() == 1 && (width <= 0 || shape.size() == width)) {
            expected = "the model takes " + shape.h() + "x" + shape.w();
            wrongSize = h.notEqual(shape.h()).or(w.notEqual(shape.w()));
            width = shape.size();
        } else if (width > 0) {
            expected = "the model takes " + width + " values";
            wrongSize = h.multiply(w).notEqual(width);
        } else {
            Row[] first = (Row[]) raw.where(h.geq(0)).select(h, w, col("image.origin")).take(1);
            if (first.length == 0) {
                throw new BadInputException(path + ": no image could be decoded (PNG or JPEG)");
            }
            expected = "the first image, " + first[0].getString(2) + ", is " + first[0].getInt(0) + "x" + first[0].getInt(1)
                    + " (images are not resized)";
            wrongSize = h.notEqual(first[0].getInt(0)).or(w.notEqual(first[0].getInt(1)));
            width = first[0].getInt(0) * first[0].getInt(1);
        }
        Column problem = when(h.lt(0), lit("not a PNG or JPEG image that could be decoded"))
                .when(wrongSize, org.apache.spark.sql.functions.concat(lit("an image of "), h.cast("string"), lit("x"),
                        w.cast("string"), lit(" pixels (height x width), but " + expected)));
        Column parent = element_at(split(col("image.origin"), "/"), -2);
        Dataset<Row> rows = raw.select(
                labeled ? parent.cast("double").as(LABEL) : lit(null).cast("double").as(LABEL),
                org.apache.spark.sql.functions.udf(new Gray(), DataTypes.createArrayType(DataTypes.FloatType, false))
                        .apply(col("image")).as(FEATURES),
                col("image.origin").as("file"),
                lit(null).cast("long").as("row"),
                problem.as("problem"));
        return new Frame(rows, labeled, width, IMAGE_LABEL);
    }

    /** What the driver learns from listing an image folder: the first image outside a class folder, if any. */
    private record Listing(long images, String unlabeled) {
    }

    private static Listing list(SparkSession spark, String path) throws IOException {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        Path p = new Path(path);
        FileSystem fs = p.getFileSystem(conf);
        Path root = fs.makeQualified(p);
        if (!fs.exists(root)) {
            throw new FileNotFoundException(path + ": no such file or folder");
        }
        long images = 0;
        String unlabeled = null;
        RemoteIterator<LocatedFileStatus> files = fs.listFiles(root, true);
        while (files.hasNext()) {
            Path f = fs.makeQualified(files.next().getPath());
            if (!InputFormat.isImage(f.getName()) || f.getName().startsWith(".") || f.getName().startsWith("_")) {
                continue;
            }
            images++;
            Path dir = f.getParent();
            boolean classFolder = !dir.equals(root) && dir.getName().matches("[0-9]+");
            if (!classFolder && unlabeled == null) {
                unlabeled = f.toString();
            }
        }
        if (images == 0) {
            throw new BadInputException(path + ": no PNG or JPEG images (*.png, *.jpg, *.jpeg) in it");
        }
        return new Listing(images, unlabeled);
    }

    private static void exists(SparkSession spark, String path) throws IOException {
        Path p = new Path(path);
        FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
        if (fs.globStatus(p) == null || fs.globStatus(p).length == 0) {
            throw new FileNotFoundException(path + ": no such file or folder");
        }
    }

    /**
     * A decoded image (Spark's image struct: origin, height, width, nChannels, mode, data, with
     * colour bytes in B, G, R[, A] order) as gray values, row by row.
     */
    private static final class Gray implements UDF1<Row, float[]> {
        private static final long serialVersionUID = 1L;

        @Override
        public float[] call(Row image) {
            int channels = image.getInt(3);
            byte[] data = (byte[]) image.get(5);
            if (channels < 1 || data == null) {
                return new float[0];
            }
            float[] gray = new float[data.length / channels];
            for (int i = 0; i < gray.length; i++) {
                int at = i * channels;
                if (channels < 3) {
                    gray[i] = data[at] & 0xff;
                } else {
                    double b = data[at] & 0xff;
                    double g = data[at + 1] & 0xff;
                    double r = data[at + 2] & 0xff;
                    gray[i] = Math.round(0.299 * r + 0.587 * g + 0.114 * b);
                }
            }
            return gray;
        }
    }
}
