package io.sparkdigits.cluster;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Where the integration tests find the project and their data. The full MNIST CSVs
 * ({@code data/mnist/}, made by {@code data/fetch-mnist}; CI has them) are used when present,
 * otherwise the committed 1,000-row sample.
 */
final class TestData {
    private TestData() {
    }

    /** The project folder: set by Failsafe, else the working directory. */
    static Path basedir() {
        return Path.of(System.getProperty("spark.digits.basedir", System.getProperty("user.dir"))).toAbsolutePath();
    }

    /** A folder for one test class's models, checkpoints and driver logs. */
    static Path workDir(String name) {
        return basedir().resolve("target/cluster-it").resolve(name);
    }

    static Path fullTrain() {
        return basedir().resolve("data/mnist/mnist_train.csv");
    }

    static Path fullTest() {
        return basedir().resolve("data/mnist/mnist_test.csv");
    }

    static boolean haveFullMnist() {
        return Files.isRegularFile(fullTrain()) && Files.isRegularFile(fullTest());
    }

    static Path sampleTrain() {
        return basedir().resolve("src/test/resources/mnist-sample/mnist_train_sample.csv");
    }

    static Path sampleTest() {
        return basedir().resolve("src/test/resources/mnist-sample/mnist_test_sample.csv");
    }

    /**
     * The first {@code rows} training rows of full MNIST (header kept), written once under
     * {@code target/cluster-it/data/}; the 1,000-row sample if full MNIST is absent.
     */
    static Path trainRows(int rows) {
        if (!Files.isRegularFile(fullTrain())) {
            return sampleTrain();
        }
        Path out = basedir().resolve("target/cluster-it/data/mnist_train_first" + rows + ".csv");
        if (Files.isRegularFile(out)) {
            return out;
        }
        try {
            Files.createDirectories(out.getParent());
            Path tmp = out.resolveSibling("." + out.getFileName() + ".tmp");
            try (BufferedReader in = Files.newBufferedReader(fullTrain(), StandardCharsets.UTF_8);
                 BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                String line;
                for (int i = 0; i <= rows && (line = in.readLine()) != null; i++) {
                    w.write(line);
                    w.write('\n');
                }
            }
            Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
