package io.sparkdigits.model;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Publishes a finished output (file or directory) under its final name through Hadoop's
 * FileSystem: it is written under a sibling temporary name, and only then renamed into place, with
 * an existing output moved aside first and restored if the rename fails. A reader sees the old
 * output or the new one, never half of either (on HDFS and local disks; S3A renames copy).
 */
public final class AtomicPath {
    private final FileSystem fs;
    private final Path target;
    private final Path temp;

    FileSystem fs() {
        return fs;
    }

    private AtomicPath(FileSystem fs, Path target) {
        this.fs = fs;
        this.target = target;
        this.temp = sibling(target, "._tmp-" + UUID.randomUUID());
    }

    /** Prepares to write {@code path}; nothing is created yet. */
    public static AtomicPath of(String path, Configuration conf) throws IOException {
        Path raw = new Path(path);
        FileSystem fs = raw.getFileSystem(conf);
        Path target = fs.makeQualified(raw);
        if (target.getParent() == null) {
            throw new IOException("cannot write at the root of a file system: " + target);
        }
        return new AtomicPath(fs, target);
    }

    public Path target() {
        return target;
    }

    /** Where to write before {@link #commit()}. */
    public Path temp() {
        return temp;
    }

    /** Moves the temporary output into place, replacing what was there. */
    public void commit() throws IOException {
        commit(() -> { });
    }

    /** A step run between moving the old output aside and moving the new one in (tests fail there). */
    interface Step {
        void run() throws IOException;
    }

    void commit(Step afterMovedAside) throws IOException {
        Path old = sibling(target, "._old-" + UUID.randomUUID());
        boolean hadOld = fs.exists(target);
        if (hadOld && !fs.rename(target, old)) {
            throw new IOException("cannot move the existing " + target + " aside to " + old);
        }
        try {
            afterMovedAside.run();
            if (!fs.rename(temp, target)) {
                throw new IOException("cannot rename " + temp + " to " + target);
            }
        } catch (IOException | RuntimeException e) {
            if (hadOld && !fs.exists(target) && !fs.rename(old, target)) {
                e.addSuppressed(new IOException("the previous output is at " + old));
            }
            throw e;
        }
        if (hadOld && !fs.delete(old, true)) {
            LOG.log(System.Logger.Level.WARNING, "written " + target + ", but the previous version is left at " + old);
        }
    }

    private static final System.Logger LOG = System.getLogger(AtomicPath.class.getName());

    /** Deletes the temporary output, after a failure. */
    public void abort() {
        try {
            fs.delete(temp, true);
        } catch (IOException e) {
            // Best effort: the temporary name is unique and never read.
        }
    }

    /** Writes a small text file atomically. */
    public static void writeString(String path, String text, Configuration conf) throws IOException {
        AtomicPath out = of(path, conf);
        try {
            try (FSDataOutputStream s = out.fs.create(out.temp, false)) {
                s.write(text.getBytes(StandardCharsets.UTF_8));
            }
            out.commit();
        } catch (IOException | RuntimeException e) {
            out.abort();
            throw e;
        }
    }

    private static Path sibling(Path p, String suffix) {
        return new Path(p.getParent(), p.getName() + suffix);
    }
}
