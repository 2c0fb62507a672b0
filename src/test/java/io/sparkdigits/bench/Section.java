package io.sparkdigits.bench;

/**
 * One measurement of the bench. A section reads what it needs from the context (loading shared
 * data on first use), puts table rows and raw numbers in its part of the report, and leaves the
 * session as it found it apart from data the context owns.
 */
interface Section {
    /** The name {@code --sections} selects it by, one of {@link BenchOptions#SECTIONS}. */
    String name();

    void run(BenchContext ctx, Report.Part out) throws Exception;
}
