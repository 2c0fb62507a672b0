package io.sparkdigits.nn;

import java.io.Serializable;
import java.util.Arrays;

/**
 * The shape of a fully connected network: layer widths from input to output, and the activation
 * of every hidden layer. The output layer is always softmax, trained with cross-entropy.
 *
 * <p>All parameters live in one flat {@code float[]}. Layer {@code l} (0-based, from the input)
 * owns a weight matrix of {@code in x out} floats stored row-major ({@code W[k][j]} at
 * {@code weightOffset(l) + k * out + j}), followed by {@code out} biases. Gradients and optimizer
 * state use the same layout, so aggregating a gradient is summing one array.
 */
public final class NetworkSpec implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int[] sizes;
    private final Activation hidden;
    private final int[] offsets;

    /**
     * @param sizes  widths from input to output, at least two (input and the class count)
     * @param hidden activation of every hidden layer
     */
    public NetworkSpec(int[] sizes, Activation hidden) {
        if (sizes.length < 2) {
            throw new IllegalArgumentException("a network needs at least an input and an output layer");
        }
        for (int s : sizes) {
            if (s < 1) {
                throw new IllegalArgumentException("layer sizes must be positive: " + Arrays.toString(sizes));
            }
        }
        if (sizes[sizes.length - 1] < 2) {
            throw new IllegalArgumentException("the output layer needs at least two classes");
        }
        this.sizes = sizes.clone();
        this.hidden = hidden;
        this.offsets = new int[sizes.length];
        long offset = 0;
        for (int l = 0; l + 1 < sizes.length; l++) {
            offsets[l] = (int) offset;
            offset += (long) sizes[l] * sizes[l + 1] + sizes[l + 1];
            if (offset > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("network too large: more than 2^31 parameters");
            }
        }
        offsets[sizes.length - 1] = (int) offset;
    }

    /** Number of weight layers (one less than the number of widths). */
    public int layers() {
        return sizes.length - 1;
    }

    public int inputSize() {
        return sizes[0];
    }

    public int outputSize() {
        return sizes[sizes.length - 1];
    }

    /** Width of layer {@code i} counted over all widths, input included. */
    public int size(int i) {
        return sizes[i];
    }

    public int[] sizes() {
        return sizes.clone();
    }

    public Activation hidden() {
        return hidden;
    }

    public int numParams() {
        return offsets[sizes.length - 1];
    }

    /** Offset of weight layer {@code l}'s matrix in the flat parameter array. */
    public int weightOffset(int l) {
        return offsets[l];
    }

    /** Offset of weight layer {@code l}'s biases, right after its matrix. */
    public int biasOffset(int l) {
        return offsets[l] + sizes[l] * sizes[l + 1];
    }

    /** The widest layer, for sizing scratch buffers. */
    public int maxWidth() {
        return Arrays.stream(sizes).max().orElseThrow();
    }

    /** {@code 784-128-64-10 sigmoid}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < sizes.length; i++) {
            sb.append(i == 0 ? "" : "-").append(sizes[i]);
        }
        return sb.append(' ').append(hidden.id()).toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NetworkSpec other && Arrays.equals(sizes, other.sizes) && hidden == other.hidden;
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(sizes) + hidden.hashCode();
    }
}
