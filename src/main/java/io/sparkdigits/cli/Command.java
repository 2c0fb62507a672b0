package io.sparkdigits.cli;

import org.apache.spark.sql.SparkSession;

/** A sub-command: its options, checked before Spark starts, and its work. */
interface Command {
    String name();

    /** The options, with help texts; parsed by {@link Main} before {@link #run}. */
    Options options();

    /** Validates option values that need no Spark; throws {@link UsageException}. */
    void check(Options o);

    /** Whether the command needs a Spark session (convert-idx does not). */
    default boolean needsSpark() {
        return true;
    }

    /** Does the work; returns the exit code. */
    int run(Options o, SparkSession spark) throws Exception;
}
