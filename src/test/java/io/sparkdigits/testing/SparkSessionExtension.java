package io.sparkdigits.testing;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One {@code local[2]} SparkSession for every Spark test class in the run, stopped once when the
 * run ends (a root-store resource), so each class does not pay Spark's start-up.
 */
public final class SparkSessionExtension implements BeforeAllCallback {
    private static final String KEY = "spark-session";

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent(KEY, k -> new Session(), Session.class);
    }

    /** The shared session (created by the extension before any test of the class runs). */
    public static SparkSession spark() {
        return SparkSession.builder().getOrCreate();
    }

    private static final class Session implements ExtensionContext.Store.CloseableResource {
        private final SparkSession spark = SparkSession.builder()
                .master("local[2]")
                .appName("spark-digits-tests")
                .config("spark.ui.enabled", "false")
                .config(io.sparkdigits.train.EpochJob.CONF, "true") // as the command line sets it
                .config("spark.sql.shuffle.partitions", "2")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .getOrCreate();

        @Override
        public void close() {
            spark.stop();
        }
    }
}
