package io.sparkdigits.data;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * How the files of a text input are cut into byte ranges and the ranges grouped into tasks: the
 * rule of Spark's file sources (a range is at most a task's fair share of the bytes, counting a
 * fixed cost for opening each file, and never more than 128 MB; the ranges, longest first, fill
 * each task until the next one would not fit). Reading the lines ourselves skips planning a
 * DataFrame query, a second or so in a fresh JVM; keeping Spark's rule keeps every split, and so
 * every model trained from them, what it was.
 */
public final class FileSlices {
    /** The largest range one task reads ({@code spark.sql.files.maxPartitionBytes}, as the loader always set it). */
    public static final long MAX_SLICE = 128L << 20;

    private FileSlices() {
    }

    /** A file to cut: its name, its length, and whether a task may start reading in its middle. */
    public record File(String name, long length, boolean splittable) {
    }

    /** Bytes {@code start .. start + length} of {@code file}; the reader finishes the line it is in at the end. */
    public record Slice(String file, long start, long length) implements Serializable {
    }

    /**
     * The ranges of {@code files} grouped into tasks, about {@code tasks} of them when the files
     * are large enough; {@code openCost} is what opening a file counts as, in bytes.
     */
    public static List<List<Slice>> plan(List<File> files, int tasks, long openCost) {
        long total = 0;
        for (File f : files) {
            total += f.length() + openCost;
        }
        long most = Math.min(MAX_SLICE, Math.max(openCost, total / Math.max(1, tasks)));
        List<Slice> slices = new ArrayList<>();
        for (File f : files) {
            if (!f.splittable()) {
                slices.add(new Slice(f.name(), 0, f.length()));
                continue;
            }
            for (long start = 0; start < f.length(); start += most) {
                slices.add(new Slice(f.name(), start, Math.min(most, f.length() - start)));
            }
        }
        // Stable: ranges of equal length keep the files' order.
        slices.sort(Comparator.comparingLong(Slice::length).reversed());
        return group(slices, most, openCost);
    }

    private static List<List<Slice>> group(List<Slice> slices, long most, long openCost) {
        List<List<Slice>> groups = new ArrayList<>();
        List<Slice> current = new ArrayList<>();
        long size = 0;
        for (Slice s : slices) {
            if (size + s.length() > most && !current.isEmpty()) {
                groups.add(current);
                current = new ArrayList<>();
                size = 0;
            }
            size += s.length() + openCost;
            current.add(s);
        }
        if (!current.isEmpty()) {
            groups.add(current);
        }
        return groups;
    }
}
