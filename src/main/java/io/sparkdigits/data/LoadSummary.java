package io.sparkdigits.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.fs.Path;

/**
 * What a load read, in words a user can check against their files: how many files, how many of
 * them had a header line, and the rows of each file when there are few (a total otherwise).
 */
public final class LoadSummary {
    /** Up to this many files are listed one by one. */
    static final int LISTED_FILES = 10;

    private final CsvLayout layout;
    private final Map<String, Long> rowsPerFile;
    private final long rows;
    private final long skipped;

    /**
     * @param layout      the files read, or null for rows that came from no files
     * @param rowsPerFile rows kept per file, keyed as Spark's {@code _metadata.file_path} names the file
     */
    public LoadSummary(CsvLayout layout, Map<String, Long> rowsPerFile, long rows, long skipped) {
        this.layout = layout;
        this.rowsPerFile = new java.util.HashMap<>();
        rowsPerFile.forEach((f, n) -> this.rowsPerFile.merge(CsvLayout.key(CsvLayout.fromSparkName(f)), n, Long::sum));
        this.rows = rows;
        this.skipped = skipped;
    }

    /** Rows kept from {@code file} (a path as {@link CsvLayout#files()} lists it). */
    public long rows(String file) {
        return rowsPerFile.getOrDefault(CsvLayout.key(new Path(file)), 0L);
    }

    /**
     * E.g. {@code 3 files (1 with a header): a.csv 3,334 rows, b.csv.gz 3,333, c.csv 3,333}, or
     * {@code 60,000 rows} for data that came from no files (a DataFrame).
     */
    public String describe() {
        if (layout == null) {
            return String.format(Locale.ROOT, "%,d rows", rows)
                    + (skipped > 0 ? String.format(Locale.ROOT, "; %,d bad rows skipped", skipped) : "");
        }
        List<String> files = layout.files();
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%d file%s (%d with a header)",
                files.size(), files.size() == 1 ? "" : "s", layout.headerCount()));
        if (files.size() <= LISTED_FILES) {
            List<String> parts = new ArrayList<>();
            for (String f : files) {
                parts.add(new Path(f).getName() + " " + String.format(Locale.ROOT, "%,d", rows(f))
                        + (parts.isEmpty() ? " rows" : ""));
            }
            sb.append(": ").append(String.join(", ", parts));
        } else {
            sb.append(String.format(Locale.ROOT, ": %,d rows", rows));
        }
        if (skipped > 0) {
            sb.append(String.format(Locale.ROOT, "; %,d bad rows skipped", skipped));
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return describe();
    }
}
