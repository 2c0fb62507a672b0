package io.sparkdigits.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.sparkdigits.eval.EvaluationReport;
import io.sparkdigits.model.Model;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything a report shows, gathered once: the model (shape, weights, and the training record
 * in its {@code info}: settings, data summary, per-epoch history), an evaluation on the report's
 * data, the rows it got most confidently wrong and a few it got right, and where and with what it
 * ran. The figures are drawn from it, the HTML is a template over it, and {@link #toJson()} gives
 * the same facts to tools.
 *
 * @param dataSummary what was read, as every command says it ({@code 1 file (1 with a header): ...})
 * @param sparkMaster the master the report ran on; the training master is in the model's info
 * @param versions    software versions, name to version
 */
public record ReportData(String modelPath, Model model, String dataPath, String dataSummary, long dataRows,
                         long skippedRows, EvaluationReport evaluation, List<Sample> mistakes,
                         List<Sample> correct, String sparkMaster, int partitions,
                         Map<String, String> versions, String created) {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** The training history from model.json ({@code info.history}); empty for a model without one. */
    @SuppressWarnings("unchecked")
    public List<Map<String, Object>> history() {
        Object h = model.info().get("history");
        List<Map<String, Object>> out = new ArrayList<>();
        if (h instanceof List<?> list) {
            for (Object e : list) {
                if (e instanceof Map<?, ?> m) {
                    out.add((Map<String, Object>) m);
                }
            }
        }
        return out;
    }

    /** A section of the model's info (config, data, testMetrics), empty if absent. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> info(String key) {
        Object v = model.info().get(key);
        return v instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    /** The numbers of one history field by epoch, null where an epoch lacks it (e.g. no test set). */
    public List<Double> series(String field) {
        List<Double> out = new ArrayList<>();
        for (Map<String, Object> e : history()) {
            out.add(e.get(field) instanceof Number n ? n.doubleValue() : null);
        }
        return out;
    }

    /** Whether any epoch recorded {@code field}. */
    public boolean hasSeries(String field) {
        return series(field).stream().anyMatch(v -> v != null);
    }

    /** The report for tools: the shown facts, without pixels. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", modelPath);
        m.put("network", model.spec().toString());
        m.put("parameters", model.spec().numParams());
        m.put("config", info("config"));
        m.put("trainingData", info("data"));
        m.put("history", history());
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("path", dataPath);
        data.put("summary", dataSummary);
        data.put("rows", dataRows);
        data.put("skippedRows", skippedRows);
        m.put("data", data);
        m.put("evaluation", evaluation.toMap());
        m.put("mistakes", rows(mistakes));
        m.put("correctSamples", rows(correct));
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("sparkMaster", sparkMaster);
        run.put("partitions", partitions);
        run.put("trainingSparkMaster", model.info().get("sparkMaster"));
        run.put("versions", versions);
        run.put("created", created);
        m.put("run", run);
        return m;
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(toMap());
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("a map of numbers and lists failed to serialise", e);
        }
    }

    private static List<Map<String, Object>> rows(List<Sample> samples) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Sample s : samples) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("partition", s.partition());
            r.put("row", s.row());
            r.put("label", s.label());
            r.put("predicted", s.predicted());
            r.put("confidence", s.confidence());
            out.add(r);
        }
        return out;
    }
}
