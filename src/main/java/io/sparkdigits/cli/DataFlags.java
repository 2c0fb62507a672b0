package io.sparkdigits.cli;

import io.sparkdigits.data.CsvLayout;
import io.sparkdigits.data.DigitData;
import io.sparkdigits.data.InputFormat;
import io.sparkdigits.ml.InputFrames;
import io.sparkdigits.nn.Stage;
import io.sparkdigits.train.TrainJob;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.spark.sql.SparkSession;

/** The input options every data-reading command shares: the format, and for CSV the header and bad rows. */
final class DataFlags {
    private DataFlags() {
    }

    static Options add(Options o) {
        return o.value("format", "csv|parquet|image", "input format (default from the path: a .parquet file or a folder"
                        + " of Parquet files is parquet, a folder of PNG/JPEG images (in class folders 0, 1, ...) image,"
                        + " else csv)")
                .value("header", "auto|true|false", "CSV: whether files start with a header line (default auto: detected)")
                .value("bad-rows", "fail|skip", "CSV: on a malformed row, stop with its file and line (default), or skip and count");
    }

    /** Checks the options' values; throws {@link UsageException}. */
    static void check(Options o) {
        header(o);
        skipBadRows(o);
        given(o);
    }

    /** The format asked for, or null to decide from each path. */
    static InputFormat given(Options o) {
        return o.has("format") ? InputFormat.parse(o.choice("format", "csv", "csv", "parquet", "image")) : null;
    }

    /** The format of {@code path}: as asked, else as its name and contents say. */
    static InputFormat format(Options o, String path, SparkSession spark) {
        InputFormat f = given(o);
        if (f != null) {
            return f;
        }
        try {
            return InputFormat.detect(path, spark.sparkContext().hadoopConfiguration());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads a data path of the command into cached shards, in its format, with labels in
     * {@code 0 .. classes - 1}; images must be of {@code shape} if given, else of the width asked for.
     */
    static TrainJob.Loader loader(Options o, SparkSession spark, Stage.Shape shape) {
        return (path, partitions, width, classes) -> {
            InputFormat f = format(o, path, spark);
            if (f == InputFormat.CSV) {
                return DigitData.load(spark, path, new DigitData.Options(header(o), skipBadRows(o), partitions, classes),
                        width);
            }
            Stage.Shape s = shape != null ? shape : width > 0 ? Stage.Shape.square(width) : null;
            return InputFrames.load(spark, path, f, width, s, classes, partitions);
        };
    }

    static CsvLayout.Header header(Options o) {
        return switch (o.choice("header", "auto", "auto", "true", "false")) {
            case "true" -> CsvLayout.Header.YES;
            case "false" -> CsvLayout.Header.NO;
            default -> CsvLayout.Header.AUTO;
        };
    }

    static boolean skipBadRows(Options o) {
        return o.choice("bad-rows", "fail", "fail", "skip").equals("skip");
    }
}
