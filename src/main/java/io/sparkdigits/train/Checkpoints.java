package io.sparkdigits.train;

import io.sparkdigits.data.BadInputException;
import io.sparkdigits.data.DigitData;
import io.sparkdigits.model.Model;
import io.sparkdigits.model.ModelStore;
import io.sparkdigits.nn.NetworkSpec;
import io.sparkdigits.optim.Optimizer;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Training checkpoints: a model directory (written atomically like any model) whose state arrays
 * are the optimizer's (and, under early stopping, the best epoch's weights) and whose info records
 * the epochs done, the optimizer's step count, the exact settings and a fingerprint of the
 * training data. Every random stream is derived from {@code (seed, epoch, partition)}, so the
 * epoch count is the whole random state: a resumed run repeats the remaining epochs exactly.
 *
 * <p>A checkpoint is continued only by the run that could have written it: the settings are
 * compared field by field and the data by its fingerprint, and the first difference is the
 * one-line error. A run killed while publishing a checkpoint leaves the previous one in place, or,
 * killed between moving it aside and moving the new one in, as {@code <path>._old-<uuid>}; resume
 * takes that one then.
 */
final class Checkpoints {
    private static final Logger LOG = LogManager.getLogger(TrainJob.class);
    /** The state array that holds the best epoch's weights under early stopping. */
    static final String BEST_WEIGHTS = "best-weights";
    /** The weights being trained, kept beside the model's when the two differ (standardised inputs). */
    static final String TRAINING_WEIGHTS = "training-weights";
    private static final String[] KEYS = {"config", "data", "epochsDone", "optimizerSteps", "history"};

    /** Test hook: called with the epoch count before each checkpoint is saved (a test throws there to stop a run). */
    static volatile IntConsumer beforeSave = epochs -> { };

    private Checkpoints() {
    }

    /** What identifies the training data cheaply: its rows, width and, when it came from files, their names and sizes. */
    static Map<String, Object> fingerprint(DigitData train, Configuration conf) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rows", train.rows());
        m.put("width", train.width());
        m.put("skippedRows", train.skipped());
        if (train.layout() != null) {
            List<String> files = new ArrayList<>();
            for (String f : train.layout().files()) {
                files.add(new Path(f).getName() + " " + size(f, conf) + " bytes");
            }
            m.put("files", files);
        }
        return m;
    }

    private static long size(String file, Configuration conf) {
        try {
            Path p = new Path(file);
            FileSystem fs = p.getFileSystem(conf);
            return fs.getFileStatus(p).getLen();
        } catch (IOException e) {
            return -1;
        }
    }

    /**
     * Saves a checkpoint: a model of the weights {@code served} (what a model of this run scores
     * with), and the state to resume from, which includes {@code params}, the weights being
     * trained, when they are not the same array.
     */
    static void save(String path, TrainConfig cfg, Map<String, Object> data, NetworkSpec spec, float[] served,
                     float[] params, float scale, Optimizer optimizer, EarlyStopping stopping, int epochsDone,
                     List<Map<String, Object>> history, boolean overwrite, Configuration conf) {
        beforeSave.accept(epochsDone);
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("config", cfg.toMap());
        info.put("data", data);
        info.put("epochsDone", epochsDone);
        info.put("optimizerSteps", optimizer.stepCount());
        info.put("history", new ArrayList<>(history));
        Map<String, float[]> state = new LinkedHashMap<>(optimizer.state());
        if (served != params) {
            state.put(TRAINING_WEIGHTS, params.clone());
        }
        if (stopping != null) {
            info.put("earlyStopping", stopping.checkpoint());
            float[] best = stopping.bestParams();
            if (best != null) {
                state.put(BEST_WEIGHTS, best);
            }
        }
        try {
            ModelStore.save(new Model(spec, served.clone(), scale, info, state), path, conf, overwrite);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot write checkpoint " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * Restores weights, optimizer state, early stopping and history after checking that the
     * checkpoint was made with {@code cfg} on {@code data}, on standardised features exactly when
     * {@code standardised}; returns the number of epochs already done.
     */
    @SuppressWarnings("unchecked")
    static int restore(String path, TrainConfig cfg, Map<String, Object> data, NetworkSpec spec, float[] params,
                       boolean standardised, Optimizer optimizer, EarlyStopping stopping,
                       List<Map<String, Object>> history, Configuration conf) throws IOException {
        String from = published(path, conf);
        Model ck = ModelStore.load(from, conf);
        Map<String, Object> info = ck.info();
        for (String key : KEYS) {
            if (!info.containsKey(key)) {
                throw new BadInputException(from + ": not a checkpoint of this version (model.json has no info."
                        + key + "); start without --resume");
            }
        }
        String settings = firstDifference(asMap(info.get("config"), from, "config"), cfg.toMap());
        if (settings != null) {
            throw new BadInputException(from + ": checkpoint was made with other settings: " + settings
                    + "; resume with the same options");
        }
        String other = firstDifference(asMap(info.get("data"), from, "data"), data);
        if (other != null) {
            throw new BadInputException(from + ": checkpoint was made on other training data: " + other);
        }
        if (!ck.spec().equals(spec)) {
            throw new BadInputException(from + ": checkpoint network " + ck.spec() + " differs from " + spec);
        }
        int epochs = integer(info, "epochsDone", from, 0, cfg.epochs());
        Map<String, float[]> state = new LinkedHashMap<>(ck.state());
        float[] best = state.remove(BEST_WEIGHTS);
        float[] trained = state.remove(TRAINING_WEIGHTS);
        if (standardised != (trained != null)) {
            // A table's run before its features were standardised: its weights are for other inputs.
            throw new BadInputException(from + ": checkpoint was made " + (standardised
                    ? "by a version that did not standardise a table's features" : "on standardised features")
                    + "; start without --resume");
        }
        try {
            optimizer.restore(state, integer(info, "optimizerSteps", from, 0, Integer.MAX_VALUE));
            if (stopping != null) {
                stopping.restore(asMap(info.get("earlyStopping"), from, "earlyStopping"), best);
            }
        } catch (IllegalArgumentException | ClassCastException e) {
            throw new BadInputException(from + ": checkpoint state does not fit this run: " + e.getMessage());
        }
        if (!(info.get("history") instanceof List<?> list) || list.size() != epochs) {
            throw new BadInputException(from + ": info.history does not list the " + epochs + " epochs done");
        }
        float[] weights = trained != null ? trained : ck.params();
        if (weights.length != params.length) {
            throw new BadInputException(from + ": checkpoint weights do not fit this run");
        }
        System.arraycopy(weights, 0, params, 0, params.length);
        list.forEach(e -> history.add((Map<String, Object>) e));
        return epochs;
    }

    /**
     * The checkpoint to resume from: {@code path}, or the previous checkpoint that a run killed
     * in the middle of publishing left beside it.
     */
    private static String published(String path, Configuration conf) throws IOException {
        Path p = new Path(path);
        FileSystem fs = p.getFileSystem(conf);
        if (fs.exists(p)) {
            return path;
        }
        Path parent = fs.makeQualified(p).getParent();
        if (parent != null && fs.exists(parent)) {
            for (FileStatus s : fs.listStatus(parent)) {
                if (s.isDirectory() && s.getPath().getName().startsWith(p.getName() + "._old-")) {
                    LOG.info("resuming from " + s.getPath() + ", the checkpoint an interrupted save moved aside");
                    return s.getPath().toString();
                }
            }
        }
        throw new FileNotFoundException(path + ": no checkpoint to resume from");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object value, String from, String key) {
        if (!(value instanceof Map<?, ?> m)) {
            throw new BadInputException(from + ": info." + key + " of the checkpoint is not an object");
        }
        return (Map<String, Object>) m;
    }

    private static int integer(Map<String, Object> info, String key, String from, long min, long max) {
        Object v = info.get(key);
        if (!(v instanceof Number n) || n.doubleValue() != n.longValue() || n.longValue() < min || n.longValue() > max) {
            throw new BadInputException(from + ": info." + key + " of the checkpoint is " + v + ", not an integer "
                    + min + ".." + max);
        }
        return (int) n.longValue();
    }

    /**
     * The first field where {@code saved} (as read back from JSON) and {@code now} differ, as
     * {@code name was X, now Y}, or null. Numbers compare by value, whatever their Java type.
     */
    static String firstDifference(Map<String, Object> saved, Map<String, Object> now) {
        for (Map.Entry<String, Object> e : now.entrySet()) {
            if (!saved.containsKey(e.getKey())) {
                return e.getKey() + " is missing, now " + e.getValue();
            }
            Object was = saved.get(e.getKey());
            if (!same(was, e.getValue())) {
                return e.getKey() + " was " + was + ", now " + e.getValue();
            }
        }
        for (String key : saved.keySet()) {
            if (!now.containsKey(key)) {
                return key + " was " + saved.get(key) + ", now unset";
            }
        }
        return null;
    }

    private static boolean same(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) {
            try {
                return new BigDecimal(x.toString()).compareTo(new BigDecimal(y.toString())) == 0;
            } catch (NumberFormatException e) {
                return Double.compare(x.doubleValue(), y.doubleValue()) == 0; // NaN or infinite
            }
        }
        if (a instanceof List<?> x && b instanceof List<?> y) {
            if (x.size() != y.size()) {
                return false;
            }
            for (int i = 0; i < x.size(); i++) {
                if (!same(x.get(i), y.get(i))) {
                    return false;
                }
            }
            return true;
        }
        return a == null ? b == null : a.equals(b);
    }
}
