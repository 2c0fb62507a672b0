package io.sparkdigits.data;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * The three kinds of input the commands read, and the default for a path that names none: a
 * {@code .parquet} file or a folder holding Parquet files is Parquet, a folder of PNG or JPEG
 * images (directly or in class folders) is images, anything else (a CSV file, folder or glob) CSV.
 */
public enum InputFormat {
    CSV, PARQUET, IMAGE;

    /** Image file names the image reader takes; Spark's {@code image} source decodes them with ImageIO. */
    public static final String IMAGE_GLOB = "*.{png,jpg,jpeg,PNG,JPG,JPEG}";
    /** How many files a folder's first level is looked at to decide; a listing, never a read. */
    private static final int LOOKED_AT = 1000;

    /** {@code csv}, {@code parquet} or {@code image}; null for anything else. */
    public static InputFormat parse(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "csv" -> CSV;
            case "parquet" -> PARQUET;
            case "image" -> IMAGE;
            default -> null;
        };
    }

    /** The format {@code path} is in by its name and, for a folder, by the files it holds. */
    public static InputFormat detect(String path, Configuration conf) throws IOException {
        if (isParquet(path)) {
            return PARQUET;
        }
        Path p = new Path(path);
        FileSystem fs = p.getFileSystem(conf);
        FileStatus status;
        try {
            status = fs.getFileStatus(p);
        } catch (FileNotFoundException e) {
            return CSV; // a glob, or a missing path that the CSV reader reports in its own words
        }
        if (!status.isDirectory()) {
            return CSV;
        }
        Path root = fs.makeQualified(p);
        RemoteIterator<LocatedFileStatus> files = fs.listFiles(root, true);
        for (int seen = 0; files.hasNext() && seen < LOOKED_AT; ) {
            Path f = fs.makeQualified(files.next().getPath());
            if (hidden(f, root)) {
                continue;
            }
            seen++;
            if (isParquet(f.getName())) {
                return PARQUET;
            }
            if (isImage(f.getName())) {
                return IMAGE;
            }
        }
        return CSV;
    }

    static boolean isParquet(String name) {
        return name.toLowerCase(Locale.ROOT).replaceAll("/+$", "").endsWith(".parquet");
    }

    public static boolean isImage(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".png") || n.endsWith(".jpg") || n.endsWith(".jpeg");
    }

    /** Spark's readers skip names starting with {@code _} or {@code .} ({@code _SUCCESS}, markers, temporaries). */
    private static boolean hidden(Path file, Path root) {
        for (Path q = file; q != null && !q.equals(root) && q.getParent() != null; q = q.getParent()) {
            if (q.getName().startsWith("_") || q.getName().startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
