package io.sparkdigits.cli;

import io.sparkdigits.cli.CsvOracle.Verdict;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * Generates the CSV part of the hostile-input corpus: small valid files of 4-pixel rows with one
 * kind of damage each, written under {@code dir}, each with the verdict {@link CsvOracle} gives it.
 */
final class CsvCases {
    /** Receives one case: its category, the path to read and what may come of it. */
    interface Sink {
        void accept(String category, Path path, Verdict expect);
    }

    static final int WIDTH = 4;
    private final Path dir;
    private final SplittableRandom r;
    private int n;

    CsvCases(Path dir, SplittableRandom r) {
        this.dir = dir;
        this.r = r;
    }

    void all(Sink sink) throws IOException {
        Files.createDirectories(dir);
        lineCases(sink, "csv: flipped bytes", 110, this::flipByte);
        lineCases(sink, "csv: truncated lines", 40, this::truncate);
        lineCases(sink, "csv: NUL bytes", 35, this::nul);
        lineCases(sink, "csv: quotes", 35, this::quote);
        lineCases(sink, "csv: BOM", 20, t -> "\u00ef\u00bb\u00bf" + t);
        lineCases(sink, "csv: CRLF and CR line ends", 40, this::lineEnds);
        lineCases(sink, "csv: tabs and spaces", 30, this::tabs);
        lineCases(sink, "csv: huge fields", 20, this::huge);
        lineCases(sink, "csv: exponents", 30, t -> replaceField(t, 1 + r.nextInt(WIDTH), pick(
                "2.55e2", "1e3", "1E-3", "1e", "e5", "1e+2", "2.5E+1", "1e-50", "1e39", "3e0", ".5e1", "1.e2")));
        lineCases(sink, "csv: NaN and Infinity", 25, t -> replaceField(t, 1 + r.nextInt(WIDTH), pick(
                "NaN", "-Infinity", "Infinity", "+Infinity", "nan", "inf", "-NaN", "Inf")));
        lineCases(sink, "csv: negative zero", 20, t -> replaceField(t, r.nextInt(WIDTH + 1), pick(
                "-0", "-0.0", "-0e0", "-.0", "+0")));
        lineCases(sink, "csv: odd labels", 40, t -> replaceField(t, 0, pick(
                "3.0", "-1", "10", "+3", "03", " 3 ", "3e0", "", "a", "255", "-0", "2147483648", "0x3", "\"7\"")));
        lineCases(sink, "csv: extra or missing columns", 30, this::columns);
        lineCases(sink, "csv: other edits (Java 1f, hex)", 25, t -> replaceField(t, 1 + r.nextInt(WIDTH), pick(
                "1f", "2d", "0x1p3", "1_0", "\u00b9", "12 3", "1,5")));
        globCases(sink, 25);
        gzipCases(sink, 35);
    }

    /** {@code count} files, each a valid file passed through {@code damage}. */
    private void lineCases(Sink sink, String category, int count, Function<String, String> damage) throws IOException {
        for (int i = 0; i < count; i++) {
            String text = String.join("\n", HostileInputTest.goodRows(r, 2 + r.nextInt(6), r.nextBoolean())) + "\n";
            byte[] bytes = damage.apply(text).getBytes(StandardCharsets.ISO_8859_1);
            Path p = dir.resolve("c" + (++n) + ".csv");
            Files.write(p, bytes);
            sink.accept(category, p, CsvOracle.verdict(bytes, p.getFileName().toString(), WIDTH));
        }
    }

    private String pick(String... options) {
        return options[r.nextInt(options.length)];
    }

    private String flipByte(String t) {
        char[] c = t.toCharArray();
        int at = r.nextInt(c.length);
        c[at] = r.nextBoolean() ? (char) r.nextInt(256) : (char) (c[at] ^ (1 << r.nextInt(8)));
        return new String(c);
    }

    private String truncate(String t) {
        String[] lines = t.split("\n", -1);
        int line = r.nextInt(lines.length - 1);
        lines[line] = lines[line].substring(0, r.nextInt(lines[line].length() + 1));
        String cut = String.join("\n", lines);
        // Half the time the file ends right there, as a copy that was interrupted would.
        return r.nextBoolean() ? cut.substring(0, String.join("\n", Arrays.copyOf(lines, line + 1)).length()) : cut;
    }

    private String nul(String t) {
        return switch (r.nextInt(3)) {
            case 0 -> insert(t, r.nextInt(t.length() + 1), "\0");
            case 1 -> replaceField(t, r.nextInt(WIDTH + 1), "\0".repeat(1 + r.nextInt(3)));
            default -> t + "\0".repeat(1 + r.nextInt(64)); // a tail zeroed by a crash
        };
    }

    private String quote(String t) {
        int f = r.nextInt(WIDTH + 1);
        return switch (r.nextInt(4)) {
            case 0 -> replaceField(t, f, "\"" + r.nextInt(10) + "\"");
            case 1 -> insert(t, r.nextInt(t.length() + 1), "\"");
            case 2 -> replaceField(t, f, "\"1,2\"");
            default -> replaceField(t, f, " \" 5 \" ");
        };
    }

    private String lineEnds(String t) {
        // Half of them get one bad row too, so that its line number is checked under these line ends.
        String s = r.nextBoolean() ? t : replaceField(t, 1 + r.nextInt(WIDTH), "x");
        return switch (r.nextInt(3)) {
            case 0 -> s.replace("\n", "\r\n");
            case 1 -> s.replace("\n", "\r");
            default -> mixEnds(s);
        };
    }

    private String mixEnds(String t) {
        StringBuilder sb = new StringBuilder();
        for (char c : t.toCharArray()) {
            sb.append(c != '\n' ? String.valueOf(c) : pick("\n", "\r\n", "\r", "\n\n", "\r\n \t\r\n"));
        }
        return sb.toString();
    }

    private String tabs(String t) {
        return switch (r.nextInt(3)) {
            case 0 -> replaceField(t, r.nextInt(WIDTH + 1), pick("\t7", "7\t", " 7 ", "\t 7\t "));
            case 1 -> t.replaceFirst(",", "\t"); // a tab where a comma belongs
            default -> insert(t, t.indexOf('\n') + 1, pick("\t\n", "  \t \n", "\t"));
        };
    }

    private String huge(String t) {
        int len = 1000 + r.nextInt(30_000);
        String v = switch (r.nextInt(4)) {
            case 0 -> "0".repeat(len) + "7";
            case 1 -> "9".repeat(len);
            case 2 -> "x".repeat(len);
            default -> "1." + "0".repeat(len);
        };
        return replaceField(t, r.nextInt(WIDTH + 1), v);
    }

    private String columns(String t) {
        return switch (r.nextInt(4)) {
            case 0 -> onLine(t, l -> l + ",");
            case 1 -> onLine(t, l -> l + "," + r.nextInt(256));
            case 2 -> onLine(t, l -> l.substring(0, l.lastIndexOf(',')));
            default -> onLine(t, l -> l.replaceFirst(",", ",,"));
        };
    }

    /** Replaces field {@code f} of one random data line (not the header). */
    private String replaceField(String t, int f, String value) {
        return onLine(t, l -> {
            String[] fields = l.split(",", -1);
            fields[Math.min(f, fields.length - 1)] = value;
            return String.join(",", fields);
        });
    }

    private String onLine(String t, Function<String, String> edit) {
        List<String> lines = new ArrayList<>(Arrays.asList(t.split("\n", -1)));
        int first = lines.get(0).startsWith("label") ? 1 : 0;
        int line = first + r.nextInt(lines.size() - 1 - first);
        lines.set(line, edit.apply(lines.get(line)));
        return String.join("\n", lines);
    }

    private static String insert(String t, int at, String s) {
        return t.substring(0, at) + s + t.substring(at);
    }

    /** Folders of 2-4 files read as one input, one file of another width or with a row of another width. */
    private void globCases(Sink sink, int count) throws IOException {
        for (int i = 0; i < count; i++) {
            Path folder = Files.createDirectories(dir.resolve("g" + (++n)));
            int files = 2 + r.nextInt(3);
            int odd = r.nextInt(files);
            boolean firstLine = r.nextBoolean();
            String oddName = null;
            int oddLine = 0;
            for (int f = 0; f < files; f++) {
                boolean header = r.nextBoolean();
                List<String> lines = HostileInputTest.goodRows(r, 2 + r.nextInt(4), header);
                if (f == odd) {
                    oddLine = firstLine ? 0 : lines.size() - 1;
                    lines.set(oddLine, lines.get(oddLine) + "," + (header && firstLine ? "p5" : "9"));
                    oddName = "part-" + f + ".csv";
                }
                Files.write(folder.resolve("part-" + f + ".csv"), lines);
            }
            String glob = folder.resolve("part-*.csv").toString();
            Verdict v = firstLine ? Verdict.refuse(oddName) : Verdict.refuse(oddName + ": line " + (oddLine + 1) + ":");
            sink.accept("csv: mixed widths in a glob", Path.of(glob), v);
        }
    }

    /** Gzipped files cut short, with a flipped byte, or not gzip at all. */
    private void gzipCases(Sink sink, int count) throws IOException {
        for (int i = 0; i < count; i++) {
            String text = String.join("\n", HostileInputTest.goodRows(r, 50 + r.nextInt(200), true)) + "\n";
            byte[] gz = HostileInputTest.gzip(text.getBytes(StandardCharsets.US_ASCII));
            Path p = dir.resolve("z" + (++n) + ".csv.gz");
            String name = p.getFileName().toString();
            Verdict v;
            switch (r.nextInt(3)) {
                case 0 -> {
                    gz = Arrays.copyOf(gz, 1 + r.nextInt(gz.length - 1));
                    v = Verdict.refuse(name);
                }
                case 1 -> {
                    int at = 10 + r.nextInt(gz.length - 10);
                    gz[at] ^= (byte) (1 << r.nextInt(8));
                    v = Verdict.refuse(name);
                }
                default -> {
                    gz = text.getBytes(StandardCharsets.US_ASCII);
                    v = Verdict.refuse(name);
                }
            }
            Files.write(p, gz);
            sink.accept("gz: truncated or corrupt", p, v);
        }
    }

    static void write(Path p, byte[] b) {
        try {
            Files.write(p, b);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
