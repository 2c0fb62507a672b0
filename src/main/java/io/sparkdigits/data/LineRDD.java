package io.sparkdigits.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.mapreduce.TaskAttemptID;
import org.apache.hadoop.mapreduce.lib.input.FileSplit;
import org.apache.hadoop.mapreduce.lib.input.LineRecordReader;
import org.apache.hadoop.mapreduce.task.TaskAttemptContextImpl;
import org.apache.hadoop.io.Text;
import org.apache.spark.InterruptibleIterator;
import org.apache.spark.deploy.SparkHadoopUtil;
import org.apache.spark.executor.InputMetrics;
import org.apache.spark.Partition;
import org.apache.spark.SparkContext;
import org.apache.spark.TaskContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.unsafe.types.UTF8String;
import org.apache.spark.util.SerializableConfiguration;
import scala.collection.AbstractIterator;
import scala.jdk.javaapi.CollectionConverters;
import scala.reflect.ClassTag$;

/**
 * The lines of planned {@link FileSlices} as rows of ({@link CsvFrames#LINE}, {@link CsvFrames#FILE},
 * {@link CsvFrames#BLOCK}), the file named as Spark's {@code _metadata.file_path} names it and the
 * block being the slice's first byte. Lines are cut as Spark's text source cuts them (Hadoop's
 * line reader: {@code \n}, {@code \r\n} or {@code \r}; a slice starting mid-file skips to the
 * next line start and finishes the line it ends in; a file compressed with a codec that cannot be
 * split, such as gzip, is one slice, while bzip2 files are split, as Spark splits them).
 *
 * <p>One row object is reused and its line points into the reader's buffer: a consumer must use
 * a row before asking for the next, as it must with Spark's own scans.
 */
final class LineRDD extends RDD<InternalRow> {
    private static final long serialVersionUID = 1L;

    /** Only the driver needs the plan ({@link #getPartitions}); each task gets its own {@link Task}. */
    private final transient Task[] tasks;
    private final Broadcast<SerializableConfiguration> conf;

    /** One task's slices and the hosts that hold most of their bytes. */
    record Task(int index, List<FileSlices.Slice> slices, List<String> hosts) implements Partition {
        @Override
        public int hashCode() {
            return index;
        }

        @Override
        public boolean equals(Object o) {
            return this == o;
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    LineRDD(SparkContext sc, List<Task> tasks, Broadcast<SerializableConfiguration> conf) {
        super(sc, (scala.collection.immutable.Seq) scala.collection.immutable.Nil$.MODULE$,
                ClassTag$.MODULE$.apply(InternalRow.class));
        this.tasks = tasks.toArray(Task[]::new);
        this.conf = conf;
    }

    @Override
    public Partition[] getPartitions() {
        return tasks.clone();
    }

    @Override
    public scala.collection.immutable.Seq<String> getPreferredLocations(Partition split) {
        return CollectionConverters.asScala(((Task) split).hosts()).toList();
    }

    @Override
    public scala.collection.Iterator<InternalRow> compute(Partition split, TaskContext context) {
        Lines lines = new Lines(((Task) split).slices(), conf.value().value(), InputCount.of(context));
        context.addTaskCompletionListener((org.apache.spark.util.TaskCompletionListener) ctx -> lines.close());
        // Interruptible: a cancelled job (--step-timeout, Ctrl-C) stops here, not at the split's end.
        return new InterruptibleIterator<>(context, lines);
    }

    /** Hadoop's line reader over bytes {@code start .. start + length} of {@code path}, as Spark's text source opens it. */
    static LineRecordReader reader(Path path, long start, long length, org.apache.hadoop.conf.Configuration conf)
            throws IOException {
        LineRecordReader reader = new LineRecordReader();
        reader.initialize(new FileSplit(path, start, length, new String[0]),
                new TaskAttemptContextImpl(conf, new TaskAttemptID()));
        return reader;
    }

    /**
     * The task's input metrics, the Spark UI's "Input" column, kept as Spark's own file readers
     * keep them: a record a line, and the bytes the task's thread read from Hadoop file systems,
     * updated every {@link #EVERY} lines and when a reader closes. Spark offers a custom RDD no
     * public way to set them; these calls are its file readers' own ({@code private[spark]} in
     * Scala, public to Java), and {@code CsvFramesTest} holds our counts to the text source's, so a
     * Spark upgrade that changes them fails there.
     */
    private record InputCount(InputMetrics metrics, long bytesBefore, scala.Function0<Object> bytesOnThread) {
        static final int EVERY = 1000;

        static InputCount of(TaskContext context) {
            InputMetrics m = context.taskMetrics().inputMetrics();
            return new InputCount(m, m.bytesRead(), SparkHadoopUtil.get().getFSBytesReadOnThreadCallback());
        }

        void line() {
            metrics.incRecordsRead(1);
            if (metrics.recordsRead() % EVERY == 0) {
                bytes();
            }
        }

        void bytes() {
            metrics.setBytesRead(bytesBefore + (Long) bytesOnThread.apply());
        }
    }

    /** Walks the slices one after the other, one reader open at a time. */
    private static final class Lines extends AbstractIterator<InternalRow> {
        private final List<FileSlices.Slice> slices;
        private final org.apache.hadoop.conf.Configuration hadoop;
        private final InputCount read;
        private final Object[] values = new Object[3];
        private final GenericInternalRow row = new GenericInternalRow(values);
        private int next;
        private LineRecordReader reader;
        private boolean ready;

        Lines(List<FileSlices.Slice> slices, org.apache.hadoop.conf.Configuration hadoop, InputCount read) {
            this.slices = slices;
            this.hadoop = hadoop;
            this.read = read;
        }

        @Override
        public boolean hasNext() {
            try {
                while (!ready) {
                    if (reader != null && reader.nextKeyValue()) {
                        ready = true;
                    } else if (!open()) {
                        return false;
                    }
                }
                return true;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public InternalRow next() {
            if (!hasNext()) {
                throw new java.util.NoSuchElementException();
            }
            ready = false;
            read.line();
            Text line = reader.getCurrentValue();
            values[CsvFrames.LINE] = UTF8String.fromBytes(line.getBytes(), 0, line.getLength());
            return row;
        }

        /** Closes the reader of the last slice and opens the next one's; false when none is left. */
        private boolean open() throws IOException {
            close();
            if (next == slices.size()) {
                return false;
            }
            FileSlices.Slice s = slices.get(next++);
            reader = reader(CsvLayout.fromSparkName(s.file()), s.start(), s.length(), hadoop);
            values[CsvFrames.FILE] = UTF8String.fromString(s.file());
            values[CsvFrames.BLOCK] = s.start();
            return true;
        }

        void close() {
            if (reader != null) {
                try {
                    reader.close();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                reader = null;
                read.bytes();
            }
        }
    }
}
