package io.sparkdigits.testing;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.net.URI;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.util.Progressable;

/**
 * The local disk under the scheme {@code closing:}, refusing every call once its instance is
 * closed, as HDFS's client does ("Filesystem closed"); a local {@code file:} instance goes on
 * working after {@code close()}, so it cannot show what a closed client breaks.
 */
public final class ClosingFileSystem extends RawLocalFileSystem {
    /** The scheme, registered by {@link #conf()}. */
    public static final String SCHEME = "closing";
    private volatile boolean closed;

    /** A configuration in which {@code closing:} paths reach this class. */
    public static Configuration conf() {
        Configuration conf = new Configuration();
        conf.set("fs." + SCHEME + ".impl", ClosingFileSystem.class.getName());
        return conf;
    }

    /** {@code local} (an absolute path of this machine) as a {@code closing:} URI. */
    public static String uri(java.nio.file.Path local) {
        return SCHEME + "://" + local.toAbsolutePath().toUri().getPath();
    }

    /**
     * What Hadoop's shutdown hook ({@code FileSystem.Cache.ClientFinalizer}) does when the JVM
     * exits: closes every cached instance that was created with {@code fs.automatic.close} on.
     * The method is package-private in Hadoop, hence reflection; a Hadoop that renamed it fails
     * the test that calls this, loudly.
     */
    public static void runHadoopShutdownHook() throws IOException {
        try {
            Field field = FileSystem.class.getDeclaredField("CACHE");
            field.setAccessible(true);
            Object cache = field.get(null);
            Method closeAll = cache.getClass().getDeclaredMethod("closeAll", boolean.class);
            closeAll.setAccessible(true);
            closeAll.invoke(cache, true);
        } catch (ReflectiveOperationException e) {
            throw new IOException("cannot run what Hadoop's shutdown hook runs", e);
        }
    }

    @Override
    public URI getUri() {
        return URI.create(SCHEME + ":///");
    }

    @Override
    public void close() throws IOException {
        closed = true;
        super.close();
    }

    private void checkOpen() throws IOException {
        if (closed) {
            throw new IOException("Filesystem closed");
        }
    }

    @Override
    public FileStatus getFileStatus(Path f) throws IOException {
        checkOpen();
        return super.getFileStatus(f);
    }

    @Override
    public FileStatus[] listStatus(Path f) throws IOException {
        checkOpen();
        return super.listStatus(f);
    }

    @Override
    public boolean rename(Path src, Path dst) throws IOException {
        checkOpen();
        return super.rename(src, dst);
    }

    @Override
    public boolean delete(Path p, boolean recursive) throws IOException {
        checkOpen();
        return super.delete(p, recursive);
    }

    @Override
    public boolean mkdirs(Path f, FsPermission permission) throws IOException {
        checkOpen();
        return super.mkdirs(f, permission);
    }

    @Override
    public FSDataInputStream open(Path f, int bufferSize) throws IOException {
        checkOpen();
        return super.open(f, bufferSize);
    }

    @Override
    public FSDataOutputStream create(Path f, boolean overwrite, int bufferSize, short replication, long blockSize,
                                     Progressable progress) throws IOException {
        checkOpen();
        return super.create(f, overwrite, bufferSize, replication, blockSize, progress);
    }

    @Override
    public FSDataOutputStream create(Path f, FsPermission permission, boolean overwrite, int bufferSize,
                                     short replication, long blockSize, Progressable progress) throws IOException {
        checkOpen();
        return super.create(f, permission, overwrite, bufferSize, replication, blockSize, progress);
    }
}
