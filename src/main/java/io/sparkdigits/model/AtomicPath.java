package io.sparkdigits.model;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.CommonConfigurationKeysPublic;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Publishes a finished output (file or directory) under its final name through Hadoop's
 * FileSystem: it is written under a sibling temporary name, and only then renamed into place, with
 * an existing output moved aside first and restored if the rename fails. A reader sees the old
 * output or the new one, never half of either (on HDFS and local disks; S3A renames copy).
 *
 * <p>What is moved aside is judged by {@link OutputGuard} before anything is deleted: unless the
 * writer was told to overwrite, a path that is not an output of ours of the same kind is put back
 * and the commit fails with {@link OutputExistsException}. With overwrite, the old content is
 * deleted only once the new output is in place, and one line on stderr says what it was.
 *
 * <p>Concurrent writers of one path end with one complete output, the last to commit. Hadoop
 * renames a path onto an existing directory by moving it inside (HDFS; the local file system copies
 * it in), so the final rename never targets an existing path, and a rename that lost the race
 * anyway is undone and retried: each attempt moves the current output aside again.
 *
 * <p>The moves go through a file system instance of their own that Hadoop's shutdown hook does not
 * close, so a signal in the middle of them does not strand the old output under its temporary name,
 * provided the JVM waits for the command to finish them ({@code cli.Shutdown}).
 */
public final class AtomicPath {
    /** Commit attempts before giving up while other writers keep taking the target's place. */
    private static final int ATTEMPTS = 20;
    private final FileSystem fs;
    private final Path target;
    private final Path temp;
    private final OutputGuard.Kind kind;
    private final boolean overwrite;

    /** The file system of {@link #target()} and {@link #temp()}. */
    public FileSystem fs() {
        return fs;
    }

    private AtomicPath(FileSystem fs, Path target, OutputGuard.Kind kind, boolean overwrite) {
        this.fs = fs;
        this.target = target;
        this.temp = sibling(target, "._tmp-" + UUID.randomUUID());
        this.kind = kind;
        this.overwrite = overwrite;
    }

    /**
     * Prepares to write a {@code kind} output at {@code path}; nothing is created yet. With
     * {@code overwrite}, whatever is there will be replaced, else only an output of ours of that kind.
     */
    public static AtomicPath of(String path, OutputGuard.Kind kind, boolean overwrite, Configuration conf)
            throws IOException {
        Path raw = new Path(path);
        FileSystem fs = raw.getFileSystem(conf);
        Path target = fs.makeQualified(raw);
        if (target.getParent() == null) {
            throw new IOException("cannot write at the root of a file system: " + target);
        }
        return new AtomicPath(fs, target, kind, overwrite);
    }

    public Path target() {
        return target;
    }

    /** Where to write before {@link #commit()}. */
    public Path temp() {
        return temp;
    }

    /** Moves the temporary output into place, replacing what was there if it may. */
    public void commit() throws IOException {
        commit(() -> { });
    }

    /** A step run between moving the old output aside and moving the new one in (tests fail there). */
    interface Step {
        void run() throws IOException;
    }

    void commit(Step afterMovedAside) throws IOException {
        FileSystem swap = swapFileSystem();
        try {
            new Swap(swap).run(afterMovedAside);
        } finally {
            try {
                swap.close();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING,
                        "closing the file system used to publish " + target + " failed: " + e);
            }
        }
    }

    /**
     * An instance of the target's file system for the swap alone, which Hadoop's shutdown hook
     * leaves open. On Ctrl-C or SIGTERM the hook closes every cached instance created with
     * {@code fs.automatic.close} on, and a closed HDFS client refuses every call, while the
     * command still runs under the exit's hold ({@code cli.Shutdown}): a swap through the cached
     * instance would fail between moving the old output aside and moving the new one in, with
     * the old output stranded under its temporary name and nothing at the path.
     */
    private FileSystem swapFileSystem() throws IOException {
        Configuration conf = new Configuration(fs.getConf());
        conf.setBoolean(CommonConfigurationKeysPublic.FS_AUTOMATIC_CLOSE_KEY, false);
        return FileSystem.newInstance(target.toUri(), conf);
    }

    /** One commit's moves, all through one file system instance. */
    private final class Swap {
        private final FileSystem swap;

        Swap(FileSystem swap) {
            this.swap = swap;
        }

        void run(Step afterMovedAside) throws IOException {
            List<Path> aside = new ArrayList<>();
            String replaced = null;
            try {
                for (int attempt = 1; ; attempt++) {
                    Path old = sibling(target, "._old-" + UUID.randomUUID());
                    if (moveAside(old)) {
                        aside.add(old);
                        String foreign = judge(old, aside);
                        replaced = foreign != null ? foreign : replaced;
                    }
                    afterMovedAside.run();
                    if (renameIfFree(temp, target)) {
                        break;
                    }
                    if (attempt == ATTEMPTS) {
                        throw new IOException("cannot rename " + temp + " to " + target
                                + ": other writers kept publishing there");
                    }
                }
            } catch (IOException | RuntimeException e) {
                restore(aside, e);
                throw e;
            }
            if (replaced != null) {
                System.err.println(OutputGuard.replacedLine(target, kind, replaced));
            }
            for (Path old : aside) {
                if (!swap.delete(old, true)) {
                    LOG.log(System.Logger.Level.WARNING, "written " + target + ", but the previous version is left at " + old);
                }
            }
        }

        /** Moves the current output to {@code old}; false if there is none (any more). */
        private boolean moveAside(Path old) throws IOException {
            for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
                if (!swap.exists(target)) {
                    return false;
                }
                try {
                    if (swap.rename(target, old)) {
                        return true;
                    }
                } catch (FileNotFoundException e) {
                    // Another writer moved it first; look again.
                }
            }
            throw new IOException("cannot move the existing " + target + " aside to " + old);
        }

        /**
         * Judges what was moved aside, exactly as it is now: returns null if it is ours, what it is if
         * not and overwrite was asked for; otherwise puts it back and refuses.
         */
        private String judge(Path old, List<Path> aside) throws IOException {
            String foreign = OutputGuard.foreign(swap, old, kind);
            if (foreign == null || overwrite) {
                return foreign;
            }
            String problem = OutputGuard.problem(target, kind, foreign);
            if (!renameIfFree(old, target)) {
                throw new OutputExistsException(problem + "; another writer published there meanwhile, so it is now at " + old);
            }
            aside.remove(old);
            throw new OutputExistsException(problem + "; it was left as it was; choose another path or pass --overwrite");
        }

        /** After a failure: the newest output moved aside goes back if nothing took its place. */
        private void restore(List<Path> aside, Exception e) {
            try {
                if (!aside.isEmpty() && renameIfFree(aside.get(aside.size() - 1), target)) {
                    aside.remove(aside.size() - 1);
                }
            } catch (IOException | RuntimeException r) {
                e.addSuppressed(r);
            }
            for (Path old : aside) {
                e.addSuppressed(new IOException("the previous output is at " + old));
            }
        }

        /**
         * Renames {@code src} to {@code dst} unless {@code dst} exists; false, with {@code src} where it
         * was, if another writer holds {@code dst}. A rename that raced into an existing directory is undone.
         */
        private boolean renameIfFree(Path src, Path dst) throws IOException {
            if (swap.exists(dst)) {
                return false;
            }
            boolean renamed;
            try {
                renamed = swap.rename(src, dst);
            } catch (IOException e) {
                if (swap.exists(src) && swap.exists(dst)) {
                    return false;
                }
                throw e;
            }
            if (!renamed) {
                if (swap.exists(src) && swap.exists(dst)) {
                    return false;
                }
                throw new IOException("cannot rename " + src + " to " + dst);
            }
            Path nested = new Path(dst, src.getName());
            if (swap.exists(nested)) {
                if (!swap.rename(nested, src)) {
                    throw new IOException("a racing writer's " + dst + " took " + src + " inside, at " + nested);
                }
                return false;
            }
            return true;
        }
    }

    private static final System.Logger LOG = System.getLogger(AtomicPath.class.getName());

    /**
     * Deletes the temporary output, after a failure: through an instance of its own, since the
     * failure may be Hadoop's shutdown hook having closed the one the output was written with.
     */
    public void abort() {
        try (FileSystem own = swapFileSystem()) {
            own.delete(temp, true);
        } catch (IOException | RuntimeException e) {
            // Best effort, never in place of the failure being handled: the name is unique and never read.
        }
    }

    /** Writes a small text file atomically. */
    public static void writeString(String path, String text, OutputGuard.Kind kind, boolean overwrite,
                                   Configuration conf) throws IOException {
        AtomicPath out = of(path, kind, overwrite, conf);
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
