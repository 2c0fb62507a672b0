package io.sparkdigits.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * What a CSV input looks like before Spark reads it: the data files behind a path (a file, a
 * folder or a glob, plain or compressed), whether they start with a header line, and how many
 * columns a row has. Read from the first line of the first file, so the input width comes from
 * the data rather than a constant.
 */
public record CsvLayout(String path, List<String> files, boolean header, int columns) implements Serializable {

    /** How to decide whether the first line is a header. */
    public enum Header { AUTO, YES, NO }

    /** Lists and checks the input and reads its first line; every failure is a {@link BadInputException}. */
    public static CsvLayout inspect(String path, Header header, Configuration conf) {
        List<FileStatus> files = listFiles(path, conf);
        FileStatus first = files.get(0);
        String line = firstLine(first.getPath(), conf);
        if (line == null) {
            throw new BadInputException(first.getPath() + ": file is empty");
        }
        String[] fields = line.split(",", -1);
        boolean hasHeader = switch (header) {
            case YES -> true;
            case NO -> false;
            case AUTO -> !isNumber(fields[0].trim());
        };
        List<String> names = files.stream().map(f -> f.getPath().toString()).toList();
        return new CsvLayout(path, names, hasHeader, fields.length);
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
            while ((line = in.readLine()) != null) {
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
                + columns + " columns, " + (header ? "header" : "no header") + ")";
    }

    /** Defensive copy keeps the record immutable. */
    public CsvLayout {
        files = List.copyOf(files);
    }

    /** Convenience for messages: the files as a short list. */
    public String describeFiles() {
        return files.size() <= 3 ? String.join(", ", files) : Arrays.toString(files.subList(0, 3).toArray()) + " ...";
    }
}
