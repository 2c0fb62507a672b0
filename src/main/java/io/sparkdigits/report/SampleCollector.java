package io.sparkdigits.report;

import io.sparkdigits.data.Shard;
import io.sparkdigits.infer.Predictor;
import io.sparkdigits.nn.SoftmaxCrossEntropy;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import org.apache.spark.api.java.JavaRDD;

/**
 * Picks the rows the report draws without bringing the data to the driver: each partition scores
 * its shard and keeps its {@code mistakes} most confident mistakes (a bounded heap) and its first
 * {@code correct} correct rows; partitions' picks are merged pairwise, so at most
 * {@code mistakes + correct} rows of pixels travel from any task.
 */
final class SampleCollector {
    private SampleCollector() {
    }

    /** The picks over all shards: mistakes most confident first, correct rows in storage order. */
    static Picks collect(JavaRDD<Shard> shards, Predictor predictor, int mistakes, int correct) {
        return shards.mapPartitionsWithIndex((p, it) -> {
            Picks picks = new Picks(mistakes, correct);
            while (it.hasNext()) {
                picks.scan(predictor, it.next(), p);
            }
            return List.of(picks).iterator();
        }, true).treeAggregate(new Picks(mistakes, correct), Picks::merge, Picks::merge, 2).sorted();
    }

    /** The kept rows of one partition, or of several merged. */
    static final class Picks implements Serializable {
        private static final long serialVersionUID = 1L;
        private final int maxMistakes;
        private final int maxCorrect;
        /** Least confident kept mistake on top, so a better one replaces it. */
        private final PriorityQueue<Sample> mistakes = new PriorityQueue<>(Sample.MOST_CONFIDENT.reversed());
        private final List<Sample> correct = new ArrayList<>();

        Picks(int maxMistakes, int maxCorrect) {
            this.maxMistakes = maxMistakes;
            this.maxCorrect = maxCorrect;
        }

        List<Sample> mistakes() {
            return mistakes.stream().sorted(Sample.MOST_CONFIDENT).toList();
        }

        List<Sample> correct() {
            return correct;
        }

        /** Scores every row of {@code shard}, a chunk at a time, keeping what qualifies. */
        void scan(Predictor predictor, Shard shard, int partition) {
            int k = predictor.spec().outputSize();
            int cols = shard.cols();
            short[] labels = new short[Predictor.CHUNK];
            for (int at = 0; at < shard.rows(); at += Predictor.CHUNK) {
                int end = Math.min(shard.rows(), at + Predictor.CHUNK);
                float[] p = predictor.probabilities(shard, null, at, end, labels);
                float[] x = predictor.inputBuffer(); // the chunk's scaled inputs, as the network saw them
                for (int r = 0; r < end - at; r++) {
                    int predicted = SoftmaxCrossEntropy.argmax(p, r * k, k);
                    float confidence = p[r * k + predicted];
                    boolean right = predicted == labels[r];
                    if (right ? correct.size() < maxCorrect : wouldKeep(confidence)) {
                        offer(new Sample(partition, at + r, labels[r], predicted, confidence, grey(x, r * cols, cols)));
                    }
                }
            }
        }

        private boolean wouldKeep(float confidence) {
            return maxMistakes > 0 && (mistakes.size() < maxMistakes || confidence >= mistakes.peek().confidence());
        }

        private void offer(Sample s) {
            if (s.correct()) {
                if (correct.size() < maxCorrect) {
                    correct.add(s);
                }
                return;
            }
            mistakes.add(s);
            if (mistakes.size() > maxMistakes) {
                mistakes.poll();
            }
        }

        Picks merge(Picks other) {
            other.mistakes.forEach(this::offer);
            List<Sample> all = new ArrayList<>(correct);
            all.addAll(other.correct);
            all.sort(Sample.STORAGE_ORDER);
            correct.clear();
            correct.addAll(all.subList(0, Math.min(maxCorrect, all.size())));
            return this;
        }

        /** This with the correct rows in storage order (merging keeps them so; one partition's too). */
        Picks sorted() {
            correct.sort(Sample.STORAGE_ORDER);
            return this;
        }

        private static byte[] grey(float[] x, int from, int cols) {
            byte[] out = new byte[cols];
            for (int c = 0; c < cols; c++) {
                out[c] = (byte) Math.round(255 * Math.max(0f, Math.min(1f, x[from + c])));
            }
            return out;
        }
    }
}
