package io.sparkdigits.data;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Runs {@link IdxToCsv#convert} from the command line with the options of
 * {@code spark-digits convert-idx}, without the launcher. Used to make the committed sample
 * (see data/README.md) and to try {@code data/fetch-mnist} through its
 * {@code SPARK_DIGITS_CONVERT} hook:
 *
 * <pre>
 * java -cp target/classes:target/test-classes io.sparkdigits.data.ConvertIdxTool \
 *     --images F --labels F --output F [--limit N]
 * </pre>
 */
public final class ConvertIdxTool {
    private ConvertIdxTool() {
    }

    public static void main(String[] args) {
        Path images = null;
        Path labels = null;
        Path output = null;
        long limit = -1;
        try {
            for (int i = 0; i < args.length; i++) {
                String value = i + 1 < args.length ? args[i + 1] : null;
                switch (args[i]) {
                    case "--images" -> images = Path.of(required(args[i], value));
                    case "--labels" -> labels = Path.of(required(args[i], value));
                    case "--output" -> output = Path.of(required(args[i], value));
                    case "--limit" -> limit = Long.parseLong(required(args[i], value));
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
                i++;
            }
            if (images == null || labels == null || output == null) {
                throw new IllegalArgumentException("usage: --images F --labels F --output F [--limit N]");
            }
            long t0 = System.nanoTime();
            long rows = IdxToCsv.convert(images, labels, output, limit);
            System.out.printf("wrote %d rows to %s in %.2f s%n", rows, output, (System.nanoTime() - t0) / 1e9);
        } catch (IOException | IllegalArgumentException e) {
            System.err.println("convert-idx: " + e.getMessage());
            System.exit(1);
        }
    }

    private static String required(String option, String value) {
        if (value == null) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return value;
    }
}
