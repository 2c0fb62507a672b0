package io.sparkdigits.bench;

import io.sparkdigits.data.DigitData;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * CSV to cached training data. Ours: {@code DigitData.load} (Spark's text source, our parser, byte
 * packing, a round-robin shuffle into one shard per partition, cached and counted). MLlib's:
 * {@link MllibPipeline} read with an explicit double schema, scaled, assembled, {@code cache()}
 * and {@code count()}. Both timed end to end after a warm-up; bytes per pixel are the growth of
 * Spark's block storage divided by rows x pixels.
 */
final class LoadSection implements Section {
    static final double MIN_ROWS_PER_SECOND = 50_000;
    static final double MIN_SPEEDUP = 7;
    static final double MAX_BYTES_PER_PIXEL = 1.1;

    @Override
    public String name() {
        return "load";
    }

    @Override
    public void run(BenchContext ctx, Report.Part out) {
        BenchContext.Loaded<DigitData> ours = ctx.ourTrain();
        long rows = ours.data().rows();
        long pixels = rows * ours.data().width();
        double ourRate = rows / ours.seconds();
        double ourBytes = ours.cachedBytes() / (double) pixels;
        out.detail("rows", rows);
        out.detail("pixelsPerRow", ours.data().width());
        out.detail("oursSeconds", ours.seconds());
        out.detail("oursRowsPerSecond", ourRate);
        out.detail("oursCachedBytes", ours.cachedBytes());
        out.detail("oursInputBytes", ours.data().inputBytes());
        out.detail("oursBytesPerPixel", ourBytes);
        out.detail("oursPartitions", ours.data().partitions());
        out.detail("bytesMeasuredBy", "growth of SparkContext.getRDDStorageInfo() memSize + diskSize over the load");
        if (ctx.options.skipMllib()) {
            out.row("load CSV -> cached, rows/s", Fmt.rate(ourRate), "", "", ">= 50,000/s", ourRate >= MIN_ROWS_PER_SECOND);
            out.row("cached bytes per pixel", Fmt.number(ourBytes, 3), "", "", "<= 1.1", ourBytes <= MAX_BYTES_PER_PIXEL);
            return;
        }
        BenchContext.Loaded<Dataset<Row>> mllib = ctx.mllibTrain();
        long mllibRows = mllib.data().count();
        double mllibRate = mllibRows / mllib.seconds();
        double mllibBytes = mllib.cachedBytes() / (double) (mllibRows * ours.data().width());
        double speedup = ourRate / mllibRate;
        out.detail("mllibSchema", "explicit: label and every pixel DoubleType (no inferSchema)");
        out.detail("mllibSeconds", mllib.seconds());
        out.detail("mllibRowsPerSecond", mllibRate);
        out.detail("mllibCachedBytes", mllib.cachedBytes());
        out.detail("mllibBytesPerPixel", mllibBytes);
        out.detail("mllibPartitions", mllib.data().rdd().getNumPartitions());
        out.row("load CSV -> cached, rows/s", Fmt.rate(ourRate), Fmt.rate(mllibRate), Fmt.times(speedup),
                ">= 50,000/s and >= 7x", ourRate >= MIN_ROWS_PER_SECOND && speedup >= MIN_SPEEDUP);
        out.row("load time", Fmt.seconds(ours.seconds()), Fmt.seconds(mllib.seconds()), "", "", null);
        out.row("cached bytes per pixel", Fmt.number(ourBytes, 3), Fmt.number(mllibBytes, 3),
                Fmt.times(mllibBytes / ourBytes), "ours <= 1.1", ourBytes <= MAX_BYTES_PER_PIXEL);
    }
}
