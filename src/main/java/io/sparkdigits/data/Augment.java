package io.sparkdigits.data;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Random distortions of training images, drawn anew for every row in every epoch: a translation of
 * up to {@code shift} pixels, a rotation of up to {@code rotate} degrees and a scaling by up to
 * {@code scale} either way about the centre, and optionally an elastic distortion (Simard, Steinkraus
 * and Platt 2003: a random displacement field smoothed by a Gaussian of width {@code sigma}, scaled
 * by {@code alpha}). The distorted image is sampled bilinearly from the original, zero outside it.
 *
 * <p>Applied where the batch is gathered, on the executor, to the float copy of the rows: the cached
 * bytes are never changed. A row's distortion depends only on its seed, which the trainer derives
 * from the run's seed, the epoch and the row.
 *
 * <p>Images are channel-last ({@code [h][w][c]}), as the network's stages read them. Sines, cosines
 * and exponentials are {@link StrictMath}, so every JVM draws the same images.
 */
public record Augment(double shift, double rotate, double scale, boolean elastic, double alpha, double sigma)
        implements Serializable {

    public Augment {
        if (!(shift >= 0 && shift <= 64 && rotate >= 0 && rotate <= 180 && scale >= 0 && scale < 1
                && alpha >= 0 && sigma > 0 && sigma <= 16)) {
            throw new IllegalArgumentException("augmentation out of range: shift 0..64 pixels, rotate 0..180 degrees,"
                    + " scale 0..1, alpha >= 0, sigma 0..16");
        }
    }

    /**
     * Reads {@code none} (null is returned) or a comma-separated list of {@code shift=PIXELS},
     * {@code rotate=DEGREES}, {@code scale=FRACTION}, {@code elastic} (Simard's alpha 34 and sigma 4
     * for 28x28 images), {@code alpha=A}, {@code sigma=S}.
     */
    public static Augment parse(String spec) {
        if (spec == null || spec.isBlank() || spec.trim().equalsIgnoreCase("none")) {
            return null;
        }
        double shift = 0;
        double rotate = 0;
        double scale = 0;
        boolean elastic = false;
        double alpha = 34;
        double sigma = 4;
        for (String part : spec.split(",")) {
            String[] kv = part.trim().toLowerCase(Locale.ROOT).split("=", 2);
            try {
                switch (kv[0]) {
                    case "shift" -> shift = Double.parseDouble(kv[1]);
                    case "rotate" -> rotate = Double.parseDouble(kv[1]);
                    case "scale" -> scale = Double.parseDouble(kv[1]);
                    case "alpha" -> { alpha = Double.parseDouble(kv[1]); elastic = true; }
                    case "sigma" -> { sigma = Double.parseDouble(kv[1]); elastic = true; }
                    case "elastic" -> elastic = kv.length == 1 || Boolean.parseBoolean(kv[1]);
                    default -> throw new IllegalArgumentException("unknown augmentation '" + part.trim()
                            + "' (expected shift=PIXELS, rotate=DEGREES, scale=FRACTION, elastic, alpha=A, sigma=S or none)");
                }
            } catch (ArrayIndexOutOfBoundsException | NumberFormatException e) {
                throw new IllegalArgumentException("augmentation '" + part.trim() + "' needs a number, as in shift=2");
            }
        }
        return new Augment(shift, rotate, scale, elastic, alpha, sigma);
    }

    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        parts.add(String.format(Locale.ROOT, "shift=%s", num(shift)));
        parts.add(String.format(Locale.ROOT, "rotate=%s", num(rotate)));
        parts.add(String.format(Locale.ROOT, "scale=%s", num(scale)));
        if (elastic) {
            parts.add("elastic,alpha=" + num(alpha) + ",sigma=" + num(sigma));
        }
        return String.join(",", parts);
    }

    private static String num(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    /** Scratch for one thread and one image size. */
    public Scratch scratch(int h, int w, int c) {
        return new Scratch(h, w, c);
    }

    /**
     * Distorts rows {@code [0, rows)} of {@code x} in place, each {@code h * w * c} floats, row
     * {@code r} by the draw of {@code seeds[r]}.
     */
    public void apply(float[] x, int rows, long[] seeds, Scratch s) {
        if (elastic) {
            applyThroughMap(x, rows, seeds, s);
            return;
        }
        int n = s.h * s.w * s.c;
        for (int r = 0; r < rows; r++) {
            s.load(x, r * n);
            affine(new SplittableRandom(seeds[r]), s, x, r * n);
        }
    }

    /**
     * The distortion written out as a map per pixel, then sampled: what {@link #apply} does for an
     * elastic distortion, and the reference its affine path must equal to the bit.
     */
    void applyThroughMap(float[] x, int rows, long[] seeds, Scratch s) {
        int n = s.h * s.w * s.c;
        for (int r = 0; r < rows; r++) {
            s.load(x, r * n);
            SplittableRandom random = new SplittableRandom(seeds[r]);
            draw(random, s);
            warp(s, x, r * n);
        }
    }

    /**
     * An affine distortion, sampled only where it can reach the image's non-zero pixels. Most of a
     * digit's image is blank, and a sample whose four neighbours are all zero is zero; each output
     * row's samples move along a straight line, so the stretch of the row that can reach the
     * non-zero box is found by solving two inequalities, and only that stretch is computed, with
     * {@link #draw}'s and {@link #warp}'s arithmetic term for term. The rest is zero, as the full
     * computation would give. On MNIST that is about half the pixels, and the distortion of 1,024
     * rows took 3.4-3.8 ms instead of 5.0-5.3 (one core, warm, Java 25).
     */
    private void affine(SplittableRandom random, Scratch s, float[] out, int off) {
        Pose pose = pose(random);
        double cos = pose.cos();
        double sin = pose.sin();
        double dx = pose.dx();
        double dy = pose.dy();
        double cy = (s.h - 1) / 2.0;
        double cx = (s.w - 1) / 2.0;
        int rowLength = s.w * s.c;
        Arrays.fill(out, off, off + s.h * rowLength, 0f);
        if (s.boxEmpty()) {
            return;
        }
        for (int y = 0; y < s.h; y++) {
            double py = y - cy - dy;
            double sinPy = sin * py;
            double cosPy = cos * py;
            // sx(x) = cos * x + (sinPy + cx - cos * (cx + dx)), sy(x) = -sin * x + (cosPy + cy + sin * (cx + dx))
            long span = s.reach(cos, sinPy + cx - cos * (cx + dx), -sin, cosPy + cy + sin * (cx + dx));
            int start = (int) (span >>> 32);
            int end = (int) span;
            // The row's map first, then its samples: two short loops run faster than one long one.
            for (int x = start; x < end; x++) {
                double px = x - cx - dx;
                s.mapX[x] = (float) (cos * px + sinPy + cx);
                s.mapY[x] = (float) (-sin * px + cosPy + cy);
            }
            for (int x = start; x < end; x++) {
                sample(s, s.mapX[x], s.mapY[x], out, off + x * s.c + y * rowLength);
            }
        }
    }

    /** A row's rotation and zoom (as the inverse map's cosine and sine) and shift. */
    private record Pose(double cos, double sin, double dx, double dy) {
    }

    /** Draws a row's pose: the first draws of its random stream, in this order. */
    private Pose pose(SplittableRandom random) {
        double angle = Math.toRadians(rotate == 0 ? 0 : random.nextDouble(-rotate, rotate));
        double zoom = scale == 0 ? 1 : 1 + random.nextDouble(-scale, scale);
        double dx = shift == 0 ? 0 : random.nextDouble(-shift, shift);
        double dy = shift == 0 ? 0 : random.nextDouble(-shift, shift);
        return new Pose(StrictMath.cos(angle) / zoom, StrictMath.sin(angle) / zoom, dx, dy);
    }

    /** The inverse map of this row's distortion: for output pixel (y, x), where to sample the source. */
    private void draw(SplittableRandom random, Scratch s) {
        Pose p = pose(random);
        double cy = (s.h - 1) / 2.0;
        double cx = (s.w - 1) / 2.0;
        if (elastic) {
            s.displacements(random, alpha, sigma);
        }
        for (int y = 0; y < s.h; y++) {
            for (int x = 0; x < s.w; x++) {
                int at = y * s.w + x;
                double px = x + (elastic ? s.fieldX[at] : 0) - cx - p.dx();
                double py = y + (elastic ? s.fieldY[at] : 0) - cy - p.dy();
                s.mapX[at] = (float) (p.cos() * px + p.sin() * py + cx);
                s.mapY[at] = (float) (-p.sin() * px + p.cos() * py + cy);
            }
        }
    }

    /**
     * Bilinear sampling of the source at the map, zero outside the image. The source sits in a
     * zero border of {@link Scratch#PAD} pixels and a sample's corner is clamped into it, so no
     * read tests the image's edges: a corner clamped there has all four neighbours in the border,
     * zero as they were beyond the edge, and the weights are those of the unclamped corner. The
     * arithmetic is the plain formula's, term for term, so the images are the same to the bit.
     */
    private static void warp(Scratch s, float[] out, int off) {
        for (int at = 0; at < s.h * s.w; at++) {
            sample(s, s.mapX[at], s.mapY[at], out, off + at * s.c);
        }
    }

    /** One output pixel's channels, sampled at ({@code sx}, {@code sy}), written from {@code at}. */
    private static void sample(Scratch s, float sx, float sy, float[] out, int at) {
        int c = s.c;
        int row = s.paddedWidth * c;
        float[] src = s.padded;
        int x0 = (int) Math.floor(sx);
        int y0 = (int) Math.floor(sy);
        float fx = sx - x0;
        float fy = sy - y0;
        int cx = Math.min(Math.max(x0, -Scratch.PAD), s.w) + Scratch.PAD;
        int cy = Math.min(Math.max(y0, -Scratch.PAD), s.h) + Scratch.PAD;
        int i = cy * row + cx * c;
        if (c == 1) { // gray images without the channel loop: the warp takes half the time
            out[at] = (1 - fy) * ((1 - fx) * src[i] + fx * src[i + 1])
                    + fy * ((1 - fx) * src[i + row] + fx * src[i + row + 1]);
            return;
        }
        for (int ch = 0; ch < c; ch++, i++) {
            out[at + ch] = (1 - fy) * ((1 - fx) * src[i] + fx * src[i + c])
                    + fy * ((1 - fx) * src[i + row] + fx * src[i + row + c]);
        }
    }

    /** Per-thread buffers: the source row in its zero border, the sampling map and the elastic fields. */
    public static final class Scratch {
        /**
         * Width of the zero border, and it must be 2: a corner clamped into [-2, w] keeps both of
         * a sample's columns, x0 and x0 + 1, inside the copy, and in the border whenever the
         * clamp moved it (with a border of 1, column w + 1 would fall outside the copy).
         */
        static final int PAD = 2;
        final int h;
        final int w;
        final int c;
        final int paddedWidth;
        final float[] padded;
        final float[] mapX;
        final float[] mapY;
        final double[] fieldX;
        final double[] fieldY;
        private final double[] blur;
        /** The loaded image's box of non-zero pixels, inclusive; empty when bottom < top. */
        private int boxTop;
        private int boxBottom;
        private int boxLeft;
        private int boxRight;

        Scratch(int h, int w, int c) {
            this.h = h;
            this.w = w;
            this.c = c;
            paddedWidth = w + 2 * PAD;
            padded = new float[(h + 2 * PAD) * paddedWidth * c];
            mapX = new float[h * w];
            mapY = new float[h * w];
            fieldX = new double[h * w];
            fieldY = new double[h * w];
            blur = new double[h * w];
        }

        /**
         * Copies one image into the border's inside (the border itself stays zero) and finds the
         * box of its non-zero pixels: any pixel whose bits are not +0, so a -0 or a NaN counts.
         */
        void load(float[] x, int off) {
            int rowLength = w * c;
            boxTop = h;
            boxBottom = -1;
            boxLeft = w;
            boxRight = -1;
            for (int y = 0; y < h; y++) {
                int from = off + y * rowLength;
                System.arraycopy(x, from, padded, ((y + PAD) * paddedWidth + PAD) * c, rowLength);
                int first = 0;
                while (first < rowLength && Float.floatToRawIntBits(x[from + first]) == 0) {
                    first++;
                }
                if (first == rowLength) {
                    continue;
                }
                int last = rowLength - 1;
                while (Float.floatToRawIntBits(x[from + last]) == 0) {
                    last--;
                }
                boxTop = Math.min(boxTop, y);
                boxBottom = y;
                boxLeft = Math.min(boxLeft, first / c);
                boxRight = Math.max(boxRight, last / c);
            }
        }

        boolean boxEmpty() {
            return boxBottom < 0;
        }

        /**
         * The output columns {@code [start, end)} of a row whose sample at column x is
         * ({@code ax * x + bx}, {@code ay * x + by}) and may have a non-zero neighbour, packed as
         * {@code start << 32 | end}. A sample does when its corner (the floors) lies within one
         * pixel above or left of the box; the bounds are widened by a hundredth of a pixel and a
         * column either side, far more than the rounding of the per-pixel arithmetic, so a column
         * left out is one whose four neighbours are zero.
         */
        long reach(double ax, double bx, double ay, double by) {
            double fromX = boxLeft - 1 - SLACK;
            double toX = boxRight + 1 + SLACK;
            double fromY = boxTop - 1 - SLACK;
            double toY = boxBottom + 1 + SLACK;
            double lo = Math.max(low(ax, bx, fromX, toX), low(ay, by, fromY, toY));
            double hi = Math.min(high(ax, bx, fromX, toX), high(ay, by, fromY, toY));
            int start = (int) Math.max(0, Math.floor(lo) - 1);
            int end = (int) Math.min(w, Math.floor(hi) + 2);
            return start < end ? (long) start << 32 | end : 0;
        }

        private static final double SLACK = 0.01;

        /** The least x where {@code from <= a * x + b <= to}; +infinity when there is none. */
        private static double low(double a, double b, double from, double to) {
            if (Math.abs(a) < 1e-9) {
                return from <= b && b <= to ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
            }
            return Math.min((from - b) / a, (to - b) / a);
        }

        /** The greatest x where {@code from <= a * x + b <= to}; -infinity when there is none. */
        private static double high(double a, double b, double from, double to) {
            if (Math.abs(a) < 1e-9) {
                return from <= b && b <= to ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
            }
            return Math.max((from - b) / a, (to - b) / a);
        }

        /** Uniform noise in (-1, 1) per pixel, Gaussian-smoothed, times alpha: one field per axis. */
        void displacements(SplittableRandom random, double alpha, double sigma) {
            for (int i = 0; i < h * w; i++) {
                fieldX[i] = random.nextDouble(-1, 1);
                fieldY[i] = random.nextDouble(-1, 1);
            }
            double[] kernel = gaussian(sigma);
            smooth(fieldX, kernel, alpha);
            smooth(fieldY, kernel, alpha);
        }

        private static double[] gaussian(double sigma) {
            int radius = (int) Math.ceil(3 * sigma);
            double[] k = new double[2 * radius + 1];
            double sum = 0;
            for (int i = -radius; i <= radius; i++) {
                k[i + radius] = StrictMath.exp(-i * i / (2 * sigma * sigma));
                sum += k[i + radius];
            }
            for (int i = 0; i < k.length; i++) {
                k[i] /= sum;
            }
            return k;
        }

        /** Separable blur (rows, then columns; zero beyond the edge), then scaling. */
        private void smooth(double[] f, double[] k, double alpha) {
            int radius = k.length / 2;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    double sum = 0;
                    for (int i = Math.max(-radius, -x); i <= Math.min(radius, w - 1 - x); i++) {
                        sum += k[i + radius] * f[y * w + x + i];
                    }
                    blur[y * w + x] = sum;
                }
            }
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    double sum = 0;
                    for (int i = Math.max(-radius, -y); i <= Math.min(radius, h - 1 - y); i++) {
                        sum += k[i + radius] * blur[(y + i) * w + x];
                    }
                    f[y * w + x] = alpha * sum;
                }
            }
        }
    }
}
