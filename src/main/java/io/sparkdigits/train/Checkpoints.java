package io.sparkdigits.train;

import io.sparkdigits.data.BadInputException;
import io.sparkdigits.model.Model;
import io.sparkdigits.model.ModelStore;
import io.sparkdigits.nn.NetworkSpec;
import io.sparkdigits.optim.Optimizer;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;

/**
 * Training checkpoints: a model directory (written atomically like any model) whose state arrays
 * are the optimizer's and whose info records the epochs done, the optimizer's step count and the
 * exact settings. Every random stream is derived from {@code (seed, epoch, partition)}, so the
 * epoch count is the whole random state: a resumed run repeats the remaining epochs exactly.
 */
final class Checkpoints {
    private Checkpoints() {
    }

    static void save(String path, TrainConfig cfg, NetworkSpec spec, float[] params, float scale, Optimizer optimizer,
                     int epochsDone, List<Map<String, Object>> history, boolean overwrite, Configuration conf) {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("checkpointOf", cfg.toString());
        info.put("config", cfg.toMap());
        info.put("epochsDone", epochsDone);
        info.put("optimizerSteps", optimizer.stepCount());
        info.put("history", new ArrayList<>(history));
        try {
            ModelStore.save(new Model(spec, params.clone(), scale, info, optimizer.state()), path, conf, overwrite);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot write checkpoint " + path + ": " + e.getMessage(), e);
        }
    }

    /** Restores weights, optimizer state and history; returns the number of epochs already done. */
    @SuppressWarnings("unchecked")
    static int restore(String path, TrainConfig cfg, NetworkSpec spec, float[] params, Optimizer optimizer,
                       List<Map<String, Object>> history, Configuration conf) throws IOException {
        Model ck;
        try {
            ck = ModelStore.load(path, conf);
        } catch (FileNotFoundException e) {
            throw new BadInputException(path + ": no checkpoint to resume from");
        }
        Object made = ck.info().get("checkpointOf");
        if (!cfg.toString().equals(made)) {
            throw new BadInputException(path + ": checkpoint was made with other settings (" + made
                    + "); resume with the same options");
        }
        if (!ck.spec().equals(spec)) {
            throw new BadInputException(path + ": checkpoint network " + ck.spec() + " differs from " + spec);
        }
        System.arraycopy(ck.params(), 0, params, 0, params.length);
        optimizer.restore(ck.state(), ((Number) ck.info().get("optimizerSteps")).longValue());
        Object h = ck.info().get("history");
        if (h instanceof List<?> list) {
            list.forEach(e -> history.add((Map<String, Object>) e));
        }
        return ((Number) ck.info().get("epochsDone")).intValue();
    }
}
