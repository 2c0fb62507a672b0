package io.sparkdigits.nn;

import java.io.Serializable;
import java.util.Locale;

/**
 * One stage of a network, from its input activation to its output: a fully connected layer, a
 * 2-D convolution or a max pooling. Activations are images stored channel-last ({@code [h][w][c]},
 * row-major), so a convolution's patch of one pixel is {@code c} contiguous floats and flattening
 * into a dense layer needs no copy. A stage knows its shapes and how many parameters it owns; the
 * arithmetic is in {@link Conv2d}, {@link MaxPool} and {@link Dense}.
 */
public sealed interface Stage extends Serializable permits Stage.Dense, Stage.Conv, Stage.Pool {

    /** An image shape: height, width, channels. */
    record Shape(int h, int w, int c) implements Serializable {
        public Shape {
            if (h < 1 || w < 1 || c < 1) {
                throw new IllegalArgumentException("an image shape needs positive sizes, got " + h + "x" + w + "x" + c);
            }
        }

        public int size() {
            return h * w * c;
        }

        /** {@code HxW} (one channel) or {@code HxWxC}. */
        public static Shape parse(String text) {
            String[] p = text.trim().toLowerCase(Locale.ROOT).split("x");
            try {
                if (p.length == 2 || p.length == 3) {
                    return new Shape(Integer.parseInt(p[0]), Integer.parseInt(p[1]), p.length == 3 ? Integer.parseInt(p[2]) : 1);
                }
            } catch (IllegalArgumentException e) {
                // Falls through to the message below.
            }
            throw new IllegalArgumentException("an image shape is HxW or HxWxC, e.g. 28x28, got '" + text + "'");
        }

        /** Square gray images of {@code width} pixels, or null if the width is not a square. */
        public static Shape square(int width) {
            int side = (int) Math.round(Math.sqrt(width));
            return side > 1 && side * side == width ? new Shape(side, side, 1) : null;
        }

        @Override
        public String toString() {
            return h + "x" + w + (c == 1 ? "" : "x" + c);
        }
    }

    /** Floats in this stage's input, per row. */
    int inSize();

    /** Floats in this stage's output, per row. */
    int outSize();

    /** Weights this stage owns (0 for pooling); its biases follow them in the flat parameter array. */
    int weights();

    /** Biases this stage owns. */
    int biases();

    /** Inputs that feed one output: what weight initialisation scales by. */
    int fanIn();

    /** The layer syntax of this stage, as {@link NetworkSpec#parse} reads it. */
    String token();

    /** {@code out[rows][out] = in[rows][in] · W[in][out] + b}. */
    record Dense(int in, int out) implements Stage {
        public Dense {
            if (in < 1 || out < 1) {
                throw new IllegalArgumentException("layer sizes must be positive: " + in + " -> " + out);
            }
        }

        public int inSize() {
            return in;
        }

        public int outSize() {
            return out;
        }

        public int weights() {
            return in * out;
        }

        public int biases() {
            return out;
        }

        public int fanIn() {
            return in;
        }

        public String token() {
            return "dense" + out;
        }
    }

    /**
     * {@code filters} kernels of {@code kh x kw x in.c}, applied with a stride and {@code same}
     * (output {@code ceil(in / stride)}, zero padding split evenly, the odd pixel at the bottom and
     * right) or {@code valid} padding. Weights are {@code [kh][kw][in.c][filters]} row-major: the
     * patch of one output pixel times this matrix is the pixel's {@code filters} outputs.
     */
    record Conv(Shape in, int filters, int kh, int kw, int stride, boolean same) implements Stage {
        public Conv {
            if (filters < 1 || kh < 1 || kw < 1 || (stride != 1 && stride != 2)) {
                throw new IllegalArgumentException("a convolution needs positive sizes and stride 1 or 2");
            }
            if (!same && (kh > in.h() || kw > in.w())) {
                throw new IllegalArgumentException("a " + kh + "x" + kw + " valid convolution does not fit a "
                        + in + " input");
            }
        }

        public Shape out() {
            int oh = same ? (in.h() + stride - 1) / stride : (in.h() - kh) / stride + 1;
            int ow = same ? (in.w() + stride - 1) / stride : (in.w() - kw) / stride + 1;
            return new Shape(oh, ow, filters);
        }

        /** Zero rows above the input (same padding; the rest goes below). */
        public int padTop() {
            return same ? Math.max((out().h() - 1) * stride + kh - in.h(), 0) / 2 : 0;
        }

        /** Zero columns left of the input. */
        public int padLeft() {
            return same ? Math.max((out().w() - 1) * stride + kw - in.w(), 0) / 2 : 0;
        }

        /** Floats in one patch: a row of the lowered input. */
        public int patch() {
            return kh * kw * in.c();
        }

        public int inSize() {
            return in.size();
        }

        public int outSize() {
            return out().size();
        }

        public int weights() {
            return patch() * filters;
        }

        public int biases() {
            return filters;
        }

        public int fanIn() {
            return patch();
        }

        public String token() {
            return String.format(Locale.ROOT, "conv%dx%dx%d%s%s", kh, kw, filters, stride == 2 ? ":s2" : "",
                    same ? "" : ":valid");
        }
    }

    /** Max pooling over {@code size x size} windows with stride {@code size}; a ragged edge is dropped. */
    record Pool(Shape in, int size) implements Stage {
        public Pool {
            if (size < 2 || size > in.h() || size > in.w()) {
                throw new IllegalArgumentException("pooling by " + size + " does not fit a " + in + " input");
            }
        }

        public Shape out() {
            return new Shape(in.h() / size, in.w() / size, in.c());
        }

        public int inSize() {
            return in.size();
        }

        public int outSize() {
            return out().size();
        }

        public int weights() {
            return 0;
        }

        public int biases() {
            return 0;
        }

        public int fanIn() {
            return size * size;
        }

        public String token() {
            return "pool" + size;
        }
    }
}
