package io.sparkdigits.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Serializable;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * What a CSV input looks like before Spark reads it: the data files behind a path (a file, a
 * folder or a glob, plain or compressed), which of them start with a header line, and how many
 * columns a row has. Every file's first line is read on the driver: the header is decided per
 * file (split files often keep the header in the first part only), and files of different widths
 * are refused here rather than as a bad row deep inside a job. The label's column is found here
 * too, so a name that no header has is refused before a job starts; only when a label is read,
 * since {@code predict} takes rows without one too.
 *
 * @param lengths      the files' lengths in bytes, in the order of {@code files}
 * @param label        the 0-based column of the label in a labeled row, if {@code labelProblem} is null
 * @param labelProblem why the label's column could not be found, or null
 */
public record CsvLayout(String path, List<String> files, List<Long> lengths, Headers headers, int columns, int label,
                        String labelProblem) implements Serializable {

    /** How to decide whether a file's first line is a header. */
    public enum Header { AUTO, YES, NO }

    /**
     * Which files start with a header: all but the exceptions, or none but the exceptions, so a
     * task closure stays small for thousands of files. Files are kept by {@link #key}.
     */
    public record Headers(boolean byDefault, Set<String> exceptions) implements Serializable {
        public Headers {
            exceptions = Set.copyOf(exceptions);
        }

        /** Whether the file that Spark names {@code sparkFile} starts with a header line. */
        public boolean has(String sparkFile) {
            return byDefault != exceptions.contains(key(fromSparkName(sparkFile)));
        }
    }

    /** Defensive copy keeps the record immutable. */
    public CsvLayout {
        files = List.copyOf(files);
        lengths = List.copyOf(lengths);
    }

    /** Lists and checks the input and reads every file's first line; every failure is a {@link BadInputException}. */
    public static CsvLayout inspect(String path, Header header, LabelColumn label, boolean skipBadRows,
                                    Configuration conf) {
        List<FileStatus> files = listFiles(path, conf);
        List<String> names = new ArrayList<>();
        List<Long> lengths = new ArrayList<>();
        Set<String> withHeader = new HashSet<>();
        Set<String> without = new HashSet<>();
        String widthFile = null;
        int columns = -1;
        NamedLabel named = new NamedLabel(label);
        for (FileStatus f : files) {
            String name = f.getPath().toString();
            String line = firstLine(f.getPath(), conf);
            if (line == null) {
                if (files.size() == 1) {
                    throw new BadInputException(name + ": file is empty");
                }
                continue; // an empty part of a multi-file input holds no rows
            }
            String[] fields = line.split(",", -1);
            if (columns < 0) {
                columns = fields.length;
                widthFile = name;
            } else if (fields.length != columns) {
                throw new BadInputException(path + ": files differ in width: " + widthFile + " has " + columns
                        + " columns, " + name + " has " + fields.length + "; all files of one input need the same"
                        + " columns (a label column in all of them or in none)");
            }
            names.add(name);
            lengths.add(f.getLen());
            boolean titled = looksLikeHeader(fields);
            String misplaced = titled && header != Header.NO && !label.given()
                    ? misplacedLabel(fields, label.byPosition(fields.length)) : null;
            if (misplaced != null) {
                throw new BadInputException(name + ": line 1: " + misplaced);
            }
            if (header == Header.YES && !titled && !skipBadRows) {
                throw new BadInputException(name + ": line 1 is a data row, but --header true takes it for a header"
                        + " (use --header auto to decide per file, or --bad-rows skip to drop it)");
            }
            boolean has = header == Header.YES || (header == Header.AUTO && titled);
            (has ? withHeader : without).add(key(f.getPath()));
            if (has && titled) {
                named.see(name, fields);
            }
        }
        if (names.isEmpty()) {
            throw new BadInputException(path + ": every file is empty");
        }
        Headers headers = withHeader.size() >= without.size() ? new Headers(true, without) : new Headers(false, withHeader);
        int at = label.byPosition(columns);
        String problem = at >= columns ? widthFile + ": --label-column " + label + " is past the last column (rows have "
                + columns + ")"
                : at >= 0 ? null
                : named.problem != null ? named.problem
                : named.at < 0 ? path + ": --label-column '" + label + "' names a column, but no file starts with a header"
                        + " line" + (header == Header.NO ? " (--header false)" : "") + ": give the column's number, or"
                        + " first or last"
                : null;
        return new CsvLayout(path, names, lengths, headers, columns, at >= 0 ? at : named.at, problem);
    }

    /** The label's 0-based column; a {@link BadInputException} says why there is none. */
    @Override
    public int label() {
        if (labelProblem != null) {
            throw new BadInputException(labelProblem);
        }
        return label;
    }

    /** Where the files' header lines put a label column chosen by name; they must all agree. */
    private static final class NamedLabel {
        private final LabelColumn label;
        private int at = -1;
        private String file;
        private String problem;

        NamedLabel(LabelColumn label) {
            this.label = label;
        }

        void see(String name, String[] header) {
            if (label.byPosition(header.length) >= 0 || problem != null) {
                return;
            }
            java.util.List<Integer> named = label.find(header);
            int here = named.size() == 1 ? named.get(0) : -1;
            if (named.isEmpty()) {
                problem = name + ": line 1: no column is named '" + label + "' (--label-column)";
            } else if (named.size() > 1) {
                problem = name + ": line 1: " + named.size() + " columns match the name '" + label + "' (columns "
                        + named.stream().map(c -> Integer.toString(c + 1)).collect(java.util.stream.Collectors.joining(", "))
                        + "); give --label-column the number of the label's column";
            } else if (at >= 0 && here != at) {
                problem = name + ": line 1: '" + label + "' is column " + (here + 1) + " here but column " + (at + 1)
                        + " in " + file + "; the files' columns must be in the same order";
            } else {
                at = here;
                file = name;
            }
        }
    }

    /**
     * A first line is a header when at least half of its fields are not numbers: names such as
     * {@code label,1x1,...} or {@code pixel0,...}. A data row with a bad value or two is data, and is
     * then reported as a bad row instead of being dropped without a word.
     */
    static boolean looksLikeHeader(String[] fields) {
        int names = 0;
        for (String f : fields) {
            if (!isNumber(unquote(f.trim()))) {
                names++;
            }
        }
        return 2 * names >= fields.length;
    }

    /** Header names that say a column holds the class, compared without case or quotes. */
    static final Set<String> LABEL_NAMES = Set.of("label", "labels", "class", "target", "digit");

    /**
     * Why a header puts the label elsewhere than column {@code at} (0-based), where it is to be read
     * from, or null: another column is named like a label while that one is not. Such a table
     * (UCI's files and many exports put the class last) would otherwise train on a feature as its
     * label, or a model be scored on one, without a word.
     */
    static String misplacedLabel(String[] header, int at) {
        if (at < 0 || at >= header.length || LABEL_NAMES.contains(name(header[at]))) {
            return null;
        }
        for (int i = 0; i < header.length; i++) {
            if (i != at && LABEL_NAMES.contains(name(header[i]))) {
                String mine = at == 0 ? "first" : Integer.toString(at + 1);
                return "column " + (i + 1) + " is named '" + unquote(header[i].trim()) + "', but the label is read from"
                        + " column " + (at + 1) + " ('" + unquote(header[at].trim()) + "'): give --label-column " + (i + 1)
                        + ", or --label-column " + mine + " if column " + (at + 1) + " is the label";
            }
        }
        return null;
    }

    private static String name(String field) {
        return unquote(field.trim()).toLowerCase(java.util.Locale.ROOT);
    }

    /** How many files start with a header line. */
    public int headerCount() {
        return headers.byDefault() ? files.size() - headers.exceptions().size() : headers.exceptions().size();
    }

    /** Whether every file starts with a header (for readers that take one answer for all files). */
    public boolean allHeaders() {
        return headerCount() == files.size();
    }

    /**
     * A file's name for lookups: its decoded path without scheme and authority. Spark's
     * {@code _metadata.file_path} is a percent-encoded URI whose form ({@code file:/} or
     * {@code file:///}) varies, and one input lives on one file system.
     */
    static String key(Path file) {
        return file.toUri().getPath();
    }

    /** The Hadoop path of a file named as Spark's {@code _metadata.file_path} names it. */
    public static Path fromSparkName(String sparkFile) {
        try {
            return new Path(new URI(sparkFile));
        } catch (java.net.URISyntaxException e) {
            return new Path(sparkFile);
        }
    }

    private static List<FileStatus> listFiles(String path, Configuration conf) {
        try {
            Path p = new Path(path);
            FileSystem fs = p.getFileSystem(conf);
            FileStatus[] matched = fs.globStatus(p);
            if (matched == null || matched.length == 0) {
                throw new BadInputException(path + ": no such file or directory");
            }
            List<FileStatus> files = new ArrayList<>();
            for (FileStatus s : matched) {
                if (s.isDirectory()) {
                    for (FileStatus child : fs.listStatus(s.getPath())) {
                        String name = child.getPath().getName();
                        if (child.isFile() && !name.startsWith("_") && !name.startsWith(".")) {
                            files.add(child);
                        }
                    }
                } else {
                    files.add(s);
                }
            }
            files.removeIf(f -> f.getLen() == 0 && files.size() > 1);
            if (files.isEmpty()) {
                throw new BadInputException(path + ": no data files found");
            }
            files.sort((a, b) -> a.getPath().toString().compareTo(b.getPath().toString()));
            return files;
        } catch (IOException e) {
            throw new BadInputException(path + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    /** First non-blank line of a file, decompressed by its extension as Spark does; null if none. */
    static String firstLine(Path file, Configuration conf) {
        try (BufferedReader in = open(file, conf)) {
            String line;
            boolean first = true;
            while ((line = in.readLine()) != null) {
                // A byte-order mark starts some files; it is no part of the first field (see LineCursor).
                line = first && line.startsWith("\uFEFF") ? line.substring(1) : line;
                first = false;
                if (!line.isBlank()) {
                    return line;
                }
            }
            return null;
        } catch (IOException e) {
            throw new BadInputException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    private static BufferedReader open(Path file, Configuration conf) throws IOException {
        return new BufferedReader(new InputStreamReader(BadRows.open(file, conf), StandardCharsets.UTF_8));
    }

    static String unquote(String s) {
        return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"") ? s.substring(1, s.length() - 1).trim() : s;
    }

    private static boolean isNumber(String s) {
        try {
            Double.parseDouble(s);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return path + " (" + files.size() + " file" + (files.size() == 1 ? "" : "s") + ", "
                + columns + " columns, " + headerCount() + " with a header"
                + (labelProblem == null ? ", label in column " + (label + 1) : "") + ")";
    }

    /** Convenience for messages: the files as a short list. */
    public String describeFiles() {
        return files.size() <= 3 ? String.join(", ", files) : Arrays.toString(files.subList(0, 3).toArray()) + " ...";
    }
}
