package io.sparkdigits.report;

import io.sparkdigits.nn.NetworkSpec;
import io.sparkdigits.nn.Stage;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Locale;

/**
 * Pictures of pixels, drawn directly: the digits themselves in a grid with their captions, and a
 * layer's weights as images. These are images of data, not plots, so no chart library is involved.
 * An input of n values is drawn as a square of side ceil(sqrt(n)) (28 x 28 for MNIST).
 */
final class Pictures {
    static final int COLUMNS = 8;
    /** Each input pixel becomes a ZOOM x ZOOM block, so a 28 x 28 digit is 84 pixels wide. */
    static final int ZOOM = 3;
    private static final int CAPTION = 18;
    private static final int GAP = 6;
    private static final Font FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 11);

    private Pictures() {
    }

    /** Side of the square an input of {@code values} values is drawn in. */
    static int side(int values) {
        return (int) Math.ceil(Math.sqrt(values));
    }

    /** Width and height of a grid of {@code count} cells of inputs {@code values} wide. */
    static int[] gridSize(int count, int values) {
        int cell = side(values) * ZOOM;
        int cols = Math.min(COLUMNS, Math.max(1, count));
        int rows = Math.max(1, (count + COLUMNS - 1) / COLUMNS);
        return new int[] {cols * (cell + GAP) + GAP, rows * (cell + CAPTION + GAP) + GAP};
    }

    /**
     * The samples as dark-on-white digits, each captioned {@code 7 → 1  98%} (true label, then
     * the prediction and its probability), the caption red for a mistake.
     */
    static BufferedImage digits(List<Sample> samples, int values) {
        int[] size = gridSize(samples.size(), values);
        BufferedImage img = canvas(size[0], size[1]);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setFont(FONT);
        int cell = side(values) * ZOOM;
        for (int i = 0; i < samples.size(); i++) {
            Sample s = samples.get(i);
            int x = GAP + (i % COLUMNS) * (cell + GAP);
            int y = GAP + (i / COLUMNS) * (cell + CAPTION + GAP);
            drawPixels(img, s.pixels(), values, x, y);
            g.setColor(s.correct() ? new Color(0x1a7f37) : new Color(0xc62828));
            String caption = String.format(Locale.ROOT, "%d \u2192 %d  %.0f%%", s.label(), s.predicted(),
                    100 * s.confidence());
            g.drawString(caption, x + 2, y + cell + CAPTION - 5);
        }
        g.dispose();
        return img;
    }

    /** Number of first-layer units drawn as filters. */
    static int filterCount(NetworkSpec spec) {
        return Math.min(spec.weightStage(0).outSize() / outputsPerUnit(spec), 4 * COLUMNS);
    }

    /** A convolution's output has one value per filter and pixel; a dense layer's one per unit. */
    private static int outputsPerUnit(NetworkSpec spec) {
        return spec.weightStage(0) instanceof Stage.Conv c ? c.out().h() * c.out().w() : 1;
    }

    /**
     * The first weight layer's incoming weights of each of its first units, as images: blue for
     * positive, red for negative, white for zero, each unit scaled to its own largest magnitude.
     * Of a dense layer these are the patterns over the input pixels each unit responds to; of a
     * convolution, its kernels (the first input channel's), drawn larger as they are small.
     */
    static BufferedImage filters(NetworkSpec spec, float[] params) {
        Stage first = spec.weightStage(0);
        int count = filterCount(spec);
        int w = spec.weightOffset(0);
        int width;
        int height;
        int stride;
        int step;
        int zoom;
        if (first instanceof Stage.Conv c) {
            width = c.kw();
            height = c.kh();
            stride = c.filters();
            step = c.in().c(); // weights are [kh][kw][c][filters]: pixel k of channel 0 is at k * c
            zoom = Math.max(ZOOM, 84 / Math.max(width, height));
        } else {
            width = side(spec.inputSize());
            height = (spec.inputSize() + width - 1) / width;
            stride = first.outSize();
            step = 1;
            zoom = ZOOM;
        }
        int pixels = first instanceof Stage.Conv ? width * height : spec.inputSize();
        int cellW = width * zoom;
        int cellH = height * zoom;
        int rows = (count + COLUMNS - 1) / COLUMNS;
        BufferedImage img = canvas(Math.min(COLUMNS, count) * (cellW + GAP) + GAP, rows * (cellH + GAP) + GAP);
        for (int u = 0; u < count; u++) {
            float max = 1e-12f;
            for (int k = 0; k < pixels; k++) {
                max = Math.max(max, Math.abs(params[w + k * step * stride + u]));
            }
            int x0 = GAP + (u % COLUMNS) * (cellW + GAP);
            int y0 = GAP + (u / COLUMNS) * (cellH + GAP);
            for (int k = 0; k < pixels; k++) {
                float v = params[w + k * step * stride + u] / max;
                int fade = Math.round(255 * (1 - Math.abs(v)));
                int rgb = v >= 0 ? (fade << 16) | (fade << 8) | 255 : (255 << 16) | (fade << 8) | fade;
                for (int dy = 0; dy < zoom; dy++) {
                    for (int dx = 0; dx < zoom; dx++) {
                        img.setRGB(x0 + (k % width) * zoom + dx, y0 + (k / width) * zoom + dy, rgb);
                    }
                }
            }
        }
        return img;
    }

    private static BufferedImage canvas(int width, int height) {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.dispose();
        return img;
    }

    private static void drawPixels(BufferedImage img, byte[] pixels, int values, int x0, int y0) {
        int side = side(values);
        for (int k = 0; k < values; k++) {
            int v = 255 - (pixels[k] & 0xFF);
            fill(img, x0 + (k % side) * ZOOM, y0 + (k / side) * ZOOM, (v << 16) | (v << 8) | v);
        }
        int frame = 0xd0d0d0;
        int end = side * ZOOM;
        for (int i = -1; i <= end; i++) {
            img.setRGB(x0 + i, y0 - 1, frame);
            img.setRGB(x0 + i, y0 + end, frame);
            img.setRGB(x0 - 1, y0 + i, frame);
            img.setRGB(x0 + end, y0 + i, frame);
        }
    }

    private static void fill(BufferedImage img, int x, int y, int rgb) {
        for (int dy = 0; dy < ZOOM; dy++) {
            for (int dx = 0; dx < ZOOM; dx++) {
                img.setRGB(x + dx, y + dy, rgb);
            }
        }
    }
}
