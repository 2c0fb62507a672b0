package io.sparkdigits.train;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Early stopping on the validation loss (Prechelt 1998, "Early Stopping - But When?"): after every
 * epoch the run compares the validation loss with the best so far, keeps a copy of the weights of
 * the best epoch, and stops once {@code patience} epochs in a row brought no lower loss. The model
 * that is saved is the best epoch's, not the last one's.
 */
final class EarlyStopping {
    private final int patience;
    private double bestLoss = Double.POSITIVE_INFINITY;
    private int bestEpoch;
    private float[] bestParams;
    private int lastEpoch;
    private boolean stopped;

    /** @param patience epochs without improvement that end the run; 0 never stops */
    EarlyStopping(int patience) {
        this.patience = patience;
    }

    /** Records epoch {@code epoch} (1-based) and its validation loss; copies the weights if best. */
    void observe(int epoch, double validationLoss, float[] params) {
        lastEpoch = epoch;
        if (validationLoss < bestLoss) {
            bestLoss = validationLoss;
            bestEpoch = epoch;
            bestParams = params.clone();
        } else if (patience > 0 && epoch - bestEpoch >= patience) {
            stopped = true;
        }
    }

    boolean stopped() {
        return stopped;
    }

    /** Puts the best epoch's weights into {@code params}; false if no epoch was observed. */
    boolean restoreBest(float[] params) {
        if (bestParams == null) {
            return false;
        }
        System.arraycopy(bestParams, 0, params, 0, params.length);
        return true;
    }

    int bestEpoch() {
        return bestEpoch;
    }

    /** The best epoch's weights so far, or null before the first epoch (for a checkpoint; not a copy). */
    float[] bestParams() {
        return bestParams;
    }

    /** What a checkpoint needs besides {@link #bestParams()} to continue exactly. */
    Map<String, Object> checkpoint() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("bestEpoch", bestEpoch);
        // JSON has no infinity: before the first epoch there is no best loss to record.
        m.put("bestValidationLoss", bestParams == null ? null : bestLoss);
        m.put("lastEpoch", lastEpoch);
        m.put("stopped", stopped);
        return m;
    }

    /** Continues from {@link #checkpoint()} and the weights saved beside it. */
    void restore(Map<String, Object> saved, float[] best) {
        Object epoch = saved.get("bestEpoch");
        Object loss = saved.get("bestValidationLoss");
        Object last = saved.get("lastEpoch");
        Object stop = saved.get("stopped");
        if (!(epoch instanceof Number e) || !(last instanceof Number l) || !(stop instanceof Boolean s)) {
            throw new IllegalArgumentException("early stopping record " + saved + " lacks bestEpoch, lastEpoch or stopped");
        }
        if ((best == null) != (loss == null) || (loss != null && !(loss instanceof Number))) {
            throw new IllegalArgumentException("early stopping record " + saved + " and its best weights disagree");
        }
        bestEpoch = e.intValue();
        lastEpoch = l.intValue();
        stopped = s;
        bestLoss = loss == null ? Double.POSITIVE_INFINITY : ((Number) loss).doubleValue();
        bestParams = best == null ? null : best.clone();
    }

    /** What model.json records: the epoch kept and why the run ended where it did. */
    Map<String, Object> toMap(int epochs) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("patience", patience);
        m.put("epochKept", bestEpoch);
        m.put("bestValidationLoss", bestLoss);
        m.put("epochsRun", lastEpoch);
        m.put("reason", stopped
                ? "no lower validation loss for " + patience + " epochs after epoch " + bestEpoch
                : "ran all " + epochs + " epochs; epoch " + bestEpoch + " had the lowest validation loss");
        return m;
    }
}
