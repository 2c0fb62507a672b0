package io.sparkdigits.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a bench run found: the table rows (figure | ours | MLlib | ratio | target | met?) and, per
 * section, the raw numbers behind them. Rendered as a text table and as JSON.
 */
final class Report {
    /** One table line; {@code met} is null when the figure has no target. Empty cells are "". */
    record Row(String section, String figure, String ours, String mllib, String ratio, String target, Boolean met) {
        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("section", section);
            m.put("figure", figure);
            m.put("ours", ours);
            m.put("mllib", mllib);
            m.put("ratio", ratio);
            m.put("target", target);
            m.put("met", met);
            return m;
        }
    }

    private final List<Row> rows = new ArrayList<>();
    private final Map<String, Map<String, Object>> details = new LinkedHashMap<>();
    private final Map<String, Object> header = new LinkedHashMap<>();

    /** The part of the report one section writes, through {@link #row} and {@link #detail}. */
    final class Part {
        private final String name;

        private Part(String name) {
            this.name = name;
        }

        void row(String figure, String ours, String mllib, String ratio, String target, Boolean met) {
            rows.add(new Row(name, figure, ours, mllib, ratio, target, met));
        }

        /** A figure without MLlib counterpart or target. */
        void row(String figure, String ours) {
            row(figure, ours, "", "", "", null);
        }

        void detail(String key, Object value) {
            details.computeIfAbsent(name, k -> new LinkedHashMap<>()).put(key, value);
        }
    }

    Part part(String section) {
        return new Part(section);
    }

    /** Run-level facts (options, time), first in the JSON. */
    void header(String key, Object value) {
        header.put(key, value);
    }

    List<Row> rows() {
        return List.copyOf(rows);
    }

    String table() {
        String[] titles = {"section", "figure", "ours", "MLlib", "ratio", "target", "met?"};
        List<String[]> cells = new ArrayList<>();
        cells.add(titles);
        for (Row r : rows) {
            cells.add(new String[] {r.section(), r.figure(), r.ours(), r.mllib(), r.ratio(), r.target(),
                r.met() == null ? "" : r.met() ? "yes" : "NO"});
        }
        int[] width = new int[titles.length];
        for (String[] line : cells) {
            for (int c = 0; c < line.length; c++) {
                width[c] = Math.max(width[c], line[c].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            String[] line = cells.get(i);
            sb.append(line(line, width));
            if (i == 0) {
                String[] rule = new String[width.length];
                for (int c = 0; c < width.length; c++) {
                    rule[c] = "-".repeat(width[c]);
                }
                sb.append(line(rule, width));
            }
        }
        return sb.toString();
    }

    private static String line(String[] cells, int[] width) {
        StringBuilder sb = new StringBuilder();
        for (int c = 0; c < cells.length; c++) {
            sb.append(c == 0 ? "" : " | ").append(String.format(Locale.ROOT, "%-" + width[c] + "s", cells[c]));
        }
        return sb.toString().stripTrailing() + System.lineSeparator();
    }

    Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>(header);
        m.put("table", rows.stream().map(Row::toMap).toList());
        m.put("details", details);
        return m;
    }

    /** Writes {@code dir/bench-<stamp>.json} and copies it to {@code dir/latest.json}; returns the first. */
    Path write(Path dir, String stamp) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve("bench-" + stamp + ".json");
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), toMap());
        Files.copy(file, dir.resolve("latest.json"), StandardCopyOption.REPLACE_EXISTING);
        return file;
    }
}
