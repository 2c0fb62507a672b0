package io.sparkdigits.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Generates the IDX part of the hostile-input corpus: pairs of image and label files with a
 * wrong magic number, declared sizes that disagree with each other or with the body, a body cut
 * short or followed by more bytes, plain or gzipped. Each pair goes to {@code convert-idx}.
 */
final class IdxCases {
    /**
         * Receives one case: its category, the two inputs, and, where the damage may leave the
         * data as it was (a flipped padding bit at the end of a deflate stream), the undamaged
         * pair's directory, whose conversion an accepted case must equal; else null: it must be refused.
         */
    interface Sink {
        void accept(String category, Path images, Path labels, Path intact);
    }

    private final Path dir;
    private final SplittableRandom r;
    private int n;

    IdxCases(Path dir, SplittableRandom r) {
        this.dir = dir;
        this.r = r;
    }

    void all(Sink sink) throws IOException {
        for (int i = 0; i < 720; i++) {
            int count = 1 + r.nextInt(5);
            int rows = 1 + r.nextInt(4);
            int cols = 1 + r.nextInt(4);
            byte[] images = idx(0x0803, new int[] {count, rows, cols}, count * rows * cols);
            byte[] labels = idx(0x0801, new int[] {count}, count);
            byte[][] original = {images.clone(), labels.clone()};
            String category;
            switch (i % 6) {
                case 0 -> {
                    category = "idx: wrong magic";
                    byte[] target = r.nextBoolean() ? images : labels;
                    target[r.nextInt(4)] ^= (byte) (1 + r.nextInt(255));
                }
                case 1 -> {
                    category = "idx: wrong sizes";
                    byte[] target = r.nextBoolean() ? images : labels;
                    int dims = target == images ? 3 : 1;
                    int at = 4 + 4 * r.nextInt(dims);
                    ByteBuffer.wrap(target).putInt(at, pickSize(ByteBuffer.wrap(target).getInt(at)));
                }
                case 2 -> {
                    category = "idx: truncated body";
                    if (r.nextBoolean()) {
                        images = Arrays.copyOf(images, r.nextInt(images.length));
                    } else {
                        labels = Arrays.copyOf(labels, r.nextInt(labels.length));
                    }
                }
                case 3 -> {
                    category = "idx: trailing bytes";
                    images = Arrays.copyOf(images, images.length + 1 + r.nextInt(40));
                }
                case 4 -> {
                    category = "idx: truncated .gz";
                    images = HostileInputTest.gzip(images);
                    images = Arrays.copyOf(images, r.nextInt(images.length - 1));
                }
                default -> {
                    category = "idx: corrupt .gz";
                    labels = HostileInputTest.gzip(labels);
                    labels[10 + r.nextInt(labels.length - 10)] ^= (byte) (1 << r.nextInt(8));
                }
            }
            Path d = Files.createDirectories(dir.resolve("i" + (++n)));
            Path img = Files.write(d.resolve("images-idx3-ubyte"), images);
            Path lab = Files.write(d.resolve("labels-idx1-ubyte"), labels);
            Path intact = null;
            if (category.equals("idx: corrupt .gz")) {
                intact = Files.createDirectories(dir.resolve("i" + n + "-intact"));
                Files.write(intact.resolve("images-idx3-ubyte"), original[0]);
                Files.write(intact.resolve("labels-idx1-ubyte"), original[1]);
            }
            sink.accept(category, img, lab, intact);
        }
    }

    /** A declared size other than {@code was}: off by one, zero, or enormous. */
    private int pickSize(int was) {
        int[] options = {was + 1, was - 1 == 0 ? 7 : was - 1, 0, Integer.MAX_VALUE, -1, 1 << 20, 65536};
        int v = options[r.nextInt(options.length)];
        return v == was ? was + 2 : v;
    }

    /** An IDX file of unsigned bytes: magic, dimensions, then {@code items} random bytes. */
    private byte[] idx(int magic, int[] dims, int items) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + items);
        b.putInt(magic);
        for (int d : dims) {
            b.putInt(d);
        }
        byte[] body = new byte[items];
        for (int i = 0; i < items; i++) {
            body[i] = (byte) r.nextInt(256);
        }
        // Labels must be digits for the CSV that comes out to be valid.
        if (magic == 0x0801) {
            for (int i = 0; i < items; i++) {
                body[i] = (byte) r.nextInt(10);
            }
        }
        return b.put(body).array();
    }
}
