package io.sparkdigits.report;

import java.io.Serializable;
import java.util.Comparator;

/**
 * One scored row kept for the report: where it is (partition and row of the cached shard), its
 * label, the prediction and its probability, and the input as 0..255 grey levels (the network's
 * scaled input times 255), so it can be drawn whatever the data's own range.
 */
public record Sample(int partition, int row, int label, int predicted, float confidence, byte[] pixels)
        implements Serializable {

    /** Storage order. */
    static final Comparator<Sample> STORAGE_ORDER = (Comparator<Sample> & Serializable) (a, b) ->
            a.partition != b.partition ? Integer.compare(a.partition, b.partition) : Integer.compare(a.row, b.row);

    /**
     * Most confident first; ties in storage order, so the pick does not depend on task timing.
     * Serialisable, as the bounded heaps that use it travel between tasks.
     */
    static final Comparator<Sample> MOST_CONFIDENT = (Comparator<Sample> & Serializable) (a, b) ->
            a.confidence != b.confidence ? Float.compare(b.confidence, a.confidence) : STORAGE_ORDER.compare(a, b);

    public boolean correct() {
        return label == predicted;
    }
}
