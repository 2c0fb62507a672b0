package io.sparkdigits.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Paths of the committed MNIST sample and a plain-Java reader for it (no Spark involved). */
public final class TestData {
    public static final Path TRAIN = Path.of("src/test/resources/mnist-sample/mnist_train_sample.csv");
    public static final Path TEST = Path.of("src/test/resources/mnist-sample/mnist_test_sample.csv");

    private TestData() {
    }

    /** Labels and pixel rows of a labeled CSV with a header, parsed by hand. */
    public record Rows(short[] labels, byte[] pixels, int count, int cols) {
    }

    public static Rows read(Path csv) throws IOException {
        List<String> lines = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(csv)) {
            in.readLine();
            for (String line; (line = in.readLine()) != null; ) {
                if (!line.isBlank()) {
                    lines.add(line);
                }
            }
        }
        int cols = lines.get(0).split(",").length - 1;
        short[] labels = new short[lines.size()];
        byte[] pixels = new byte[lines.size() * cols];
        for (int r = 0; r < lines.size(); r++) {
            String[] f = lines.get(r).split(",");
            labels[r] = (short) Integer.parseInt(f[0]);
            for (int c = 0; c < cols; c++) {
                pixels[r * cols + c] = (byte) Integer.parseInt(f[c + 1]);
            }
        }
        return new Rows(labels, pixels, lines.size(), cols);
    }
}
