package io.sparkdigits.eval;

import io.sparkdigits.data.BadInputException;
import io.sparkdigits.data.BadRows;
import io.sparkdigits.data.CsvFrames;
import io.sparkdigits.data.CsvLayout;
import io.sparkdigits.data.DigitData;
import io.sparkdigits.data.LabelColumn;
import io.sparkdigits.data.LineCursor;
import io.sparkdigits.data.LineParser;
import io.sparkdigits.data.LoadSummary;
import io.sparkdigits.infer.Predictor;
import io.sparkdigits.nn.NetworkSpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;

/**
 * Evaluates a model on labeled CSV files in one streaming pass: every split is scored where it is
 * read, a chunk of rows at a time, and only counts reach the driver, so neither the executors nor
 * the driver ever hold the data set (issue 11: 10 million rows with a 512 MB driver, or a gzipped
 * file that one task reads whole). The report is the one {@link Evaluator} gives on the same rows,
 * the loss summed in file order, so it is the same whatever the scheduling.
 */
public final class CsvEvaluation {
    private CsvEvaluation() {
    }

    /** The report, what was read, and the bad rows skipped ({@code firstSkipped} null if none). */
    public record Result(EvaluationReport report, LoadSummary summary, long skipped, String firstSkipped) {
    }

    /**
     * Scores the labeled CSV rows of {@code path} (a file, folder or glob, plain or compressed) with
     * {@code predictor}. A bad row fails with a {@link BadInputException} naming its file and line,
     * unless {@code skipBadRows}.
     *
     * @param partitions the fewest splits to read in (Spark cuts large files further)
     */
    public static Result evaluate(SparkSession spark, Predictor predictor, String path, CsvLayout.Header header,
                                  LabelColumn label, boolean skipBadRows, int partitions) {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        CsvLayout layout = CsvLayout.inspect(path, header, label, skipBadRows, conf);
        NetworkSpec spec = predictor.spec();
        LineParser parser = new LineParser(layout.label(), DigitData.labeledValues(layout, spec.inputSize()),
                spec.outputSize());
        CsvLayout.Headers headers = layout.headers();
        float scale = predictor.scale();
        // The weights are broadcast, not the Predictor: in local mode tasks share a broadcast value
        // by reference, and a Predictor's scratch buffers must belong to one task.
        Broadcast<float[]> weights = spark.sparkContext().broadcast(predictor.params(),
                scala.reflect.ClassTag$.MODULE$.apply(float[].class));
        StreamTally total;
        try {
            total = CsvFrames.lines(spark, layout, partitions)
                    .mapPartitions(it -> List.of(StreamTally.score(new LineCursor(it, parser, headers),
                            new Predictor(spec, weights.value(), scale), skipBadRows)).iterator())
                    .treeAggregate(new StreamTally(spec.outputSize()), StreamTally::merge, StreamTally::merge, 2);
        } catch (Exception e) { // SparkException is checked, though Scala does not declare it
            throw BadRows.translate(e, layout, conf);
        } finally {
            weights.destroy();
        }
        return combine(total, layout, conf);
    }

    /** Sums the splits in (file, block) order; fails with the first bad row in that order, if any was kept. */
    private static Result combine(StreamTally total, CsvLayout layout, Configuration conf) {
        List<StreamTally.SplitCounts> splits = new ArrayList<>(total.splits);
        splits.sort(Comparator.comparing((StreamTally.SplitCounts s) -> s.file).thenComparingLong(s -> s.block));
        for (StreamTally.SplitCounts s : splits) {
            if (s.badRow != null) {
                throw BadRows.describe(s.badRow, layout, conf);
            }
        }
        double loss = 0;
        long rows = 0;
        long skipped = 0;
        String first = null;
        Map<String, Long> perFile = new HashMap<>();
        for (StreamTally.SplitCounts s : splits) {
            loss += s.loss;
            rows += s.scored;
            skipped += s.skipped;
            first = first != null ? first : s.firstSkipped;
            perFile.merge(s.file, s.scored, Long::sum);
        }
        if (rows == 0) {
            throw DigitData.noUsableRows(layout.path(), skipped, first);
        }
        return new Result(new EvaluationReport(total.cm, loss, rows), new LoadSummary(layout, perFile, rows, skipped),
                skipped, first);
    }
}
