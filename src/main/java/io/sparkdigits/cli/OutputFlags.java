package io.sparkdigits.cli;

import io.sparkdigits.model.OutputGuard;
import java.io.IOException;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;

/**
 * The {@code --overwrite} flag every writing command shares, and the check, before Spark starts,
 * that each output path is free or holds an output of ours of the same kind ({@link OutputGuard}),
 * so a mistyped path is refused before any minute of work instead of being replaced after it.
 */
final class OutputFlags {
    private static final String SPARK_HADOOP = "spark.hadoop.";

    private OutputFlags() {
    }

    static Options add(Options o) {
        return o.flag("overwrite", "replace an existing output that spark-digits did not write"
                + " (only once the new output is complete)");
    }

    static boolean overwrite(Options o) {
        return o.flag("overwrite");
    }

    /** Refuses {@code path}, given as {@code --option}, if a {@code kind} output may not replace it. */
    static void check(Options o, String option, String path, OutputGuard.Kind kind) {
        check(o, option, path, path, kind);
    }

    /** As above, with {@code lookup} the path to inspect and {@code shown} the one the user gave. */
    static void check(Options o, String option, String shown, String lookup, OutputGuard.Kind kind) {
        if (overwrite(o)) {
            return;
        }
        String why;
        try {
            why = OutputGuard.foreign(lookup, kind, hadoopConf());
        } catch (IOException e) {
            throw new UsageException("--" + option + " " + shown + ": cannot inspect it: " + e.getMessage());
        }
        if (why != null) {
            throw new UsageException("--" + option + " " + OutputGuard.problem(shown, kind, why)
                    + "; choose another path or pass --overwrite to replace it once the new output is complete", false);
        }
    }

    /**
     * The Hadoop configuration Spark will use, built without Spark: the site files on the class path
     * plus the {@code spark.hadoop.*} settings spark-submit passes as system properties.
     */
    static Configuration hadoopConf() {
        Configuration conf = new Configuration();
        for (Map.Entry<Object, Object> e : System.getProperties().entrySet()) {
            String key = String.valueOf(e.getKey());
            if (key.startsWith(SPARK_HADOOP)) {
                conf.set(key.substring(SPARK_HADOOP.length()), String.valueOf(e.getValue()));
            }
        }
        return conf;
    }
}
