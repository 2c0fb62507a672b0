package io.sparkdigits.report;

/** One PNG of a report: its file name in the report folder, pixel size, and what it shows. */
public record Figure(String file, int width, int height, String title, String caption) {
}
