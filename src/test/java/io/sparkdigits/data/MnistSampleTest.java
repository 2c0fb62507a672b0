package io.sparkdigits.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * Guards the committed MNIST sample that other tests train on: its layout, its size, and its
 * bytes (the SHA-256 sums are the ones recorded in data/README.md).
 */
class MnistSampleTest {
    private static final String TRAIN = "/mnist-sample/mnist_train_sample.csv";
    private static final String TEST = "/mnist-sample/mnist_test_sample.csv";

    @Test
    void trainSampleIsTheFirstThousandTrainingImages() throws Exception {
        byte[] csv = resource(TRAIN);
        assertEquals("a11b7f09e6d9befb525c0e1cda3a0e595d993d691cf41ef8812f9d52949e7b93", sha256(csv));
        // The first training labels are well known: 5 0 4 1 9 2 1 3 1 4.
        checkLayout(csv, 1000, new int[] {5, 0, 4, 1, 9, 2, 1, 3, 1, 4});
    }

    @Test
    void testSampleIsTheFirstFiveHundredTestImages() throws Exception {
        byte[] csv = resource(TEST);
        assertEquals("d7f87230c6340f7cff6543c5b8473d12df2d94651d99d94b2d6ece3b5f6944c4", sha256(csv));
        checkLayout(csv, 500, new int[] {7, 2, 1, 0, 4, 1, 4, 9, 5, 9});
    }

    private static void checkLayout(byte[] csv, int rows, int[] firstLabels) {
        String[] lines = new String(csv, StandardCharsets.US_ASCII).split("\n", -1);
        assertEquals(rows + 2, lines.length, "header, rows, and an empty string after the final newline");
        assertEquals("", lines[rows + 1]);
        StringBuilder header = new StringBuilder("label");
        for (int r = 1; r <= 28; r++) {
            for (int c = 1; c <= 28; c++) {
                header.append(',').append(r).append('x').append(c);
            }
        }
        assertEquals(header.toString(), lines[0]);
        int[] labels = new int[firstLabels.length];
        int[] perClass = new int[10];
        for (int i = 1; i <= rows; i++) {
            String[] fields = lines[i].split(",");
            assertEquals(785, fields.length, "fields in row " + i);
            int label = Integer.parseInt(fields[0]);
            assertTrue(label >= 0 && label <= 9, "label in row " + i);
            perClass[label]++;
            if (i <= labels.length) {
                labels[i - 1] = label;
            }
            for (int k = 1; k < fields.length; k++) {
                int v = Integer.parseInt(fields[k]);
                assertTrue(v >= 0 && v <= 255, "pixel " + k + " of row " + i);
            }
        }
        assertArrayEquals(firstLabels, labels);
        for (int d = 0; d < 10; d++) {
            assertTrue(perClass[d] > rows / 20, "digit " + d + " appears " + perClass[d] + " times");
        }
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = MnistSampleTest.class.getResourceAsStream(name)) {
            assertNotNull(in, name + " is missing from the test classpath");
            return in.readAllBytes();
        }
    }

    private static String sha256(byte[] data) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }
}
