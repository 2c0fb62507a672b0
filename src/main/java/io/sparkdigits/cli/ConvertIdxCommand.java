package io.sparkdigits.cli;

import io.sparkdigits.data.IdxToCsv;
import io.sparkdigits.model.OutputGuard;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;

/** {@code convert-idx}: MNIST IDX image and label files to one CSV, without Spark. */
final class ConvertIdxCommand implements Command {
    @Override
    public String name() {
        return "convert-idx";
    }

    @Override
    public Options options() {
        return OutputFlags.add(new Options(name(), "Converts an IDX image file and its label file (plain or gzipped) to CSV with the\n"
                + "header label,1x1,...,28x28. The output is written atomically; a .gz name gzips it. An existing\n"
                + "file is replaced only if it starts with such a header (or with --overwrite).")
                .required("images", "FILE", "IDX images (e.g. train-images-idx3-ubyte)")
                .required("labels", "FILE", "IDX labels (e.g. train-labels-idx1-ubyte)")
                .required("output", "FILE", "CSV to write")
                .value("limit", "N", "convert only the first N images"));
    }

    @Override
    public void check(Options o) {
        o.integer("limit", -1L);
        Path output = Path.of(o.string("output"));
        // A local file, whatever the default file system of the Hadoop configuration is.
        String local = output.toAbsolutePath().toUri().toString();
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
        long rows = IdxToCsv.convert(Path.of(o.string("images")), Path.of(o.string("labels")),
                Path.of(o.string("output")), o.integer("limit", -1L), OutputFlags.overwrite(o));
        System.out.println("wrote " + rows + " rows to " + o.string("output"));
        return 0;
    }
}
