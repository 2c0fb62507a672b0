package io.sparkdigits.cli;

import io.sparkdigits.data.IdxToCsv;
import io.sparkdigits.data.IdxToPng;
import io.sparkdigits.model.OutputGuard;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;

/** {@code convert-idx}: MNIST IDX image and label files to one CSV or a folder of PNGs, without Spark. */
final class ConvertIdxCommand implements Command {
    @Override
    public String name() {
        return "convert-idx";
    }

    @Override
    public Options options() {
        return OutputFlags.add(new Options(name(), "Converts an IDX image file and its label file (plain or gzipped) to CSV with the\n"
                + "header label,1x1,...,28x28, or with --to png to a folder of gray PNGs in class folders\n"
                + "(OUT/7/00000.png: label 7, image 0). The output is written atomically; a .gz CSV name gzips it.\n"
                + "An existing output is replaced only if convert-idx wrote it (or with --overwrite).")
                .required("images", "FILE", "IDX images (e.g. train-images-idx3-ubyte)")
                .required("labels", "FILE", "IDX labels (e.g. train-labels-idx1-ubyte)")
                .required("output", "PATH", "CSV file to write, or with --to png the folder")
                .value("to", "csv|png", "what to write (default csv)")
                .value("limit", "N", "convert only the first N images"));
    }

    private static boolean png(Options o) {
        return o.choice("to", "csv", "csv", "png").equals("png");
    }

    @Override
    public void check(Options o) {
        o.integer("limit", -1L);
        Path output = Path.of(o.string("output"));
        // A local path, whatever the default file system of the Hadoop configuration is.
        String local = output.toAbsolutePath().toUri().toString();
        if (png(o)) {
            OutputFlags.check(o, "output", o.string("output"), local, OutputGuard.Kind.IMAGE_FOLDER);
            return;
        }
        OutputFlags.check(o, "output", o.string("output"), local, OutputGuard.Kind.CSV);
        if (Files.isDirectory(output)) {
            // A file cannot be renamed over a directory, so even --overwrite would fail, after the work.
            throw new UsageException("--output " + output + " is a directory; give the path of the CSV file to write", false);
        }
    }

    @Override
    public boolean needsSpark() {
        return false;
    }

    @Override
    public int run(Options o, SparkSession spark) throws Exception {
        Path images = Path.of(o.string("images"));
        Path labels = Path.of(o.string("labels"));
        Path output = Path.of(o.string("output"));
        long limit = o.integer("limit", -1L);
        if (png(o)) {
            long n = IdxToPng.convert(images, labels, output, limit, OutputFlags.overwrite(o));
            System.out.println("wrote " + n + " images to " + o.string("output") + " (one folder per label)");
            return 0;
        }
        long rows = IdxToCsv.convert(images, labels, output, limit, OutputFlags.overwrite(o));
        System.out.println("wrote " + rows + " rows to " + o.string("output"));
        return 0;
    }
}
