package io.sparkdigits.cli;

import io.sparkdigits.data.CsvLayout;

/** The CSV options every data-reading command shares. */
final class DataFlags {
    private DataFlags() {
    }

    static Options add(Options o) {
        return o.value("header", "auto|true|false", "whether files start with a header line (default auto: detected)")
                .value("bad-rows", "fail|skip", "on a malformed row: stop with its file and line (default), or skip and count");
    }

    static CsvLayout.Header header(Options o) {
        return switch (o.choice("header", "auto", "auto", "true", "false")) {
            case "true" -> CsvLayout.Header.YES;
            case "false" -> CsvLayout.Header.NO;
            default -> CsvLayout.Header.AUTO;
        };
    }

    static boolean skipBadRows(Options o) {
        return o.choice("bad-rows", "fail", "fail", "skip").equals("skip");
    }
}
