package io.sparkdigits.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongToIntFunction;

/**
 * Checks a {@code predict} output of one generated input in one streaming pass over its CSV part
 * files, holding one bit per expected row: every key {@code (file, row)} names the input, every
 * row 0..N-1 appears exactly once, and every row's {@code label} column is the label the generator
 * put at that position ({@link ScaleData#label}), so a key that points at another row is caught.
 *
 * @param rows       output rows read
 * @param otherFiles rows whose file is not the input
 * @param outOfRange rows whose row number is outside 0..N-1
 * @param duplicates rows whose key was seen before
 * @param missing    keys 0..N-1 never seen
 * @param wrongLabel rows whose label is not the one at their position
 */
record PredictionCheck(long rows, long otherFiles, long outOfRange, long duplicates, long missing, long wrongLabel) {

    boolean ok(long expected) {
        return rows == expected && otherFiles == 0 && outOfRange == 0 && duplicates == 0 && missing == 0
                && wrongLabel == 0;
    }

    /** Reads every {@code part-*.csv} of {@code output}, each with a header, against an input of {@code expected} rows. */
    static PredictionCheck check(Path output, String inputName, long expected, LongToIntFunction label)
            throws IOException {
        if (expected > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("one bit a row: at most " + Integer.MAX_VALUE + " rows");
        }
        List<Path> parts;
        try (var files = Files.list(output)) {
            parts = files.filter(p -> p.getFileName().toString().startsWith("part-")).sorted().toList();
        }
        Counter c = new Counter(inputName, (int) expected, label);
        for (Path part : parts) {
            try (BufferedReader r = Files.newBufferedReader(part, StandardCharsets.UTF_8)) {
                c.read(r);
            }
        }
        return c.result();
    }

    /** The running counts; {@link #read} takes one part file's lines, header first. */
    static final class Counter {
        private final String inputName;
        private final int expected;
        private final LongToIntFunction label;
        private final BitSet seen;
        private long rows;
        private long otherFiles;
        private long outOfRange;
        private long duplicates;
        private long wrongLabel;

        Counter(String inputName, int expected, LongToIntFunction label) {
            this.inputName = inputName;
            this.expected = expected;
            this.label = label;
            this.seen = new BitSet(expected);
        }

        void read(BufferedReader lines) throws IOException {
            String header = lines.readLine();
            if (header == null) {
                return; // a part file of an empty split
            }
            List<String> names = fields(header);
            int file = names.indexOf("file");
            int row = names.indexOf("row");
            int lab = names.indexOf("label");
            if (file < 0 || row < 0 || lab < 0) {
                throw new IOException("a prediction header needs file, row and label columns: " + header);
            }
            for (String line; (line = lines.readLine()) != null; ) {
                List<String> f = fields(line);
                rows++;
                if (!f.get(file).endsWith("/" + inputName)) {
                    otherFiles++;
                    continue;
                }
                long r = Long.parseLong(f.get(row));
                if (r < 0 || r >= expected) {
                    outOfRange++;
                    continue;
                }
                if (seen.get((int) r)) {
                    duplicates++;
                }
                seen.set((int) r);
                if (Integer.parseInt(f.get(lab)) != label.applyAsInt(r)) {
                    wrongLabel++;
                }
            }
        }

        PredictionCheck result() {
            return new PredictionCheck(rows, otherFiles, outOfRange, duplicates, expected - seen.cardinality(),
                    wrongLabel);
        }
    }

    /** The fields of a CSV line as Spark writes them: quoted only when needed, {@code ""} for a quote. */
    static List<String> fields(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder f = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (quoted && ch == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                f.append('"');
                i++;
            } else if (ch == '"') {
                quoted = !quoted;
            } else if (ch == ',' && !quoted) {
                out.add(f.toString());
                f.setLength(0);
            } else {
                f.append(ch);
            }
        }
        out.add(f.toString());
        return out;
    }

    Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rows", rows);
        m.put("otherFiles", otherFiles);
        m.put("outOfRange", outOfRange);
        m.put("duplicates", duplicates);
        m.put("missing", missing);
        m.put("wrongLabel", wrongLabel);
        return m;
    }
}
