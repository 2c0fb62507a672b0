package io.sparkdigits.cli;

import io.sparkdigits.data.BadInputException;
import io.sparkdigits.data.CsvLayout;
import io.sparkdigits.data.DigitData;
import io.sparkdigits.data.InputFormat;
import io.sparkdigits.data.LabelColumn;
import io.sparkdigits.ml.InputFrames;
import io.sparkdigits.model.Model;
import io.sparkdigits.nn.Stage;
import io.sparkdigits.train.TrainJob;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/** The input options every data-reading command shares: the format, and for CSV the header, the label's column and bad rows. */
final class DataFlags {
    private DataFlags() {
    }

    static Options add(Options o) {
        return o.value("format", "csv|parquet|image", "input format (default from the path: a .parquet file or a folder"
                        + " of Parquet files is parquet, a folder of PNG/JPEG images (in class folders 0, 1, ...) image,"
                        + " else csv)")
                .value("header", "auto|true|false", "CSV: whether files start with a header line (default auto: detected)")
                .value("label-column", "COLUMN", "CSV: the label's column: first (default), last, its number from 1,"
                        + " or its name in the header (evaluate, predict, report: as the model was trained)")
                .value("bad-rows", "fail|skip", "CSV: on a malformed row, stop with its file and line (default), or skip and count");
    }

    /** Checks the options' values; throws {@link UsageException}. */
    static void check(Options o) {
        header(o);
        label(o);
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
     * {@code 0 .. classes - 1} (a CSV's in column {@code label}); images must be of {@code shape}
     * if given, else of the width asked for.
     */
    static TrainJob.Loader loader(Options o, SparkSession spark, Stage.Shape shape, LabelColumn label) {
        return (path, partitions, width, classes) -> {
            InputFormat f = format(o, path, spark);
            if (f == InputFormat.CSV) {
                return DigitData.load(spark, path, new DigitData.Options(header(o), label, skipBadRows(o), partitions,
                        classes), width);
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

    /** Where a CSV row's label is; {@link LabelColumn#DEFAULT} unless asked. */
    static LabelColumn label(Options o) {
        if (!o.has("label-column")) {
            return LabelColumn.DEFAULT;
        }
        String v = o.string("label-column").trim();
        if (v.isEmpty() || v.matches("[+-]?[0-9]+") && !v.matches("0*[1-9][0-9]{0,8}")) {
            throw new UsageException("--label-column must be first, last, a column number from 1, or a header's name;"
                    + " got '" + o.string("label-column") + "'");
        }
        return LabelColumn.of(v);
    }

    /**
     * Where a CSV row's label is for a command that scores with {@code model}: as asked, else where
     * the model's training CSV had it (said on stderr when that is not the first column), so a
     * model trained with {@code --label-column last} reads its test files the same way.
     */
    static LabelColumn label(Options o, Model model) {
        if (o.has("label-column")) {
            return label(o);
        }
        if (model.info().get("data") instanceof Map<?, ?> data && data.get(TrainJob.LABEL_COLUMN) instanceof Number n
                && n.intValue() > 1) {
            System.err.println("CSV labels are read from column " + n + ", as in the model's training data"
                    + " (--label-column to choose another)");
            return LabelColumn.likeTraining(n.intValue());
        }
        return LabelColumn.DEFAULT;
    }

    /**
     * Refuses {@code --label-column} when none of {@code paths} (null: not given) is CSV: other
     * inputs find their label otherwise.
     */
    static void csvOnly(Options o, SparkSession spark, String... paths) {
        if (!o.has("label-column")) {
            return;
        }
        String first = null;
        for (String p : paths) {
            if (p != null && format(o, p, spark) == InputFormat.CSV) {
                return;
            }
            first = first != null ? first : p;
        }
        InputFormat f = format(o, first, spark);
        throw new BadInputException(first + ": --label-column is for CSV input; " + (f == InputFormat.IMAGE
                ? "an image's label is its class folder" : "Parquet's label is the column named 'label'"));
    }

    static boolean skipBadRows(Options o) {
        return o.choice("bad-rows", "fail", "fail", "skip").equals("skip");
    }
}
