package io.sparkdigits.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.sparkdigits.model.OutputGuard;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.IntToDoubleFunction;

/**
 * The result of evaluating a model on labelled rows: accuracy, mean cross-entropy loss, the
 * confusion matrix, per-class precision/recall/F1/support and their macro averages, rendered as
 * a text table for people and as JSON for tools (and as a plain map for a model's {@code info}).
 *
 * <p>Macro averages are unweighted means of the per-class values over the classes that occur,
 * as rows or as predictions (scikit-learn's default; {@code macroClasses} in JSON counts them): a
 * class of the model that the data never holds and the model never predicts (class 0 of labels
 * numbered from 1, as in EMNIST's letters) has no precision or recall to average, and counting it
 * as 0 would pull every average down by one class's share. Within them, the matrix's convention
 * holds that an undefined value counts as 0; macro F1 is the mean of per-class F1, not the F1 of
 * macro precision and recall. With no rows, accuracy and mean loss are 0. A
 * non-finite mean loss (a diverged run) is written to JSON as the string {@code "NaN"} or
 * {@code "Infinity"}, as JSON has no literal for it.
 */
public final class EvaluationReport {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    /** Classes up to which the JSON holds the dense matrix; above, its non-zero cells ({@code confusionCells}). */
    public static final int JSON_MATRIX_MAX = 100;
    /** Classes up to which the table prints the matrix; above, the most confused pairs. */
    public static final int TABLE_MATRIX_MAX = 20;
    /** Classes up to which the table lists every class; above, the ones of lowest F1. */
    public static final int TABLE_CLASSES_MAX = 50;
    /** Pairs and classes shown where the whole does not fit. */
    public static final int TOP = 20;

    private final ConfusionMatrix cm;
    private final double lossSum;
    private final long rows;

    /**
     * @param cm      the confusion matrix of all evaluated rows; kept, not copied
     * @param lossSum cross-entropy loss summed over the same rows
     * @param rows    number of rows; must equal {@code cm.total()}
     */
    public EvaluationReport(ConfusionMatrix cm, double lossSum, long rows) {
        this.cm = Objects.requireNonNull(cm, "cm");
        if (rows != cm.total()) {
            throw new IllegalArgumentException("rows (" + rows + ") must equal the confusion matrix total ("
                    + cm.total() + ")");
        }
        this.lossSum = lossSum;
        this.rows = rows;
    }

    public ConfusionMatrix confusionMatrix() {
        return cm;
    }

    public long rows() {
        return rows;
    }

    public double accuracy() {
        return cm.accuracy();
    }

    /** Mean cross-entropy per row; 0 with no rows. */
    public double meanLoss() {
        return rows == 0 ? 0 : lossSum / rows;
    }

    public double macroPrecision() {
        return macro(cm::precision);
    }

    public double macroRecall() {
        return macro(cm::recall);
    }

    public double macroF1() {
        return macro(cm::f1);
    }

    /** The mean of {@code perClass} over the classes that occur as rows or predictions; 0 if none does. */
    private double macro(IntToDoubleFunction perClass) {
        List<Integer> occurring = cm.occurringClasses();
        double s = 0;
        for (int c : occurring) {
            s += perClass.applyAsDouble(c);
        }
        return occurring.isEmpty() ? 0 : s / occurring.size();
    }

    /**
     * Everything in this report as JSON-able values (String, Number, List, Map), in the layout
     * of {@link #toJson()}; suitable for a model's {@code info}.
     */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rows", rows);
        m.put("accuracy", accuracy());
        m.put("meanLoss", meanLoss());
        m.put("macroPrecision", macroPrecision());
        m.put("macroRecall", macroRecall());
        m.put("macroF1", macroF1());
        m.put("macroClasses", cm.occurring());
        List<Object> perClass = new ArrayList<>();
        List<Object> matrix = new ArrayList<>();
        for (int c = 0; c < cm.classes(); c++) {
            Map<String, Object> k = new LinkedHashMap<>();
            k.put("class", c);
            k.put("precision", cm.precision(c));
            k.put("recall", cm.recall(c));
            k.put("f1", cm.f1(c));
            k.put("support", cm.support(c));
            k.put("predicted", cm.predicted(c));
            perClass.add(k);
            if (cm.classes() <= JSON_MATRIX_MAX) {
                List<Long> row = new ArrayList<>();
                for (int p = 0; p < cm.classes(); p++) {
                    row.add(cm.count(c, p));
                }
                matrix.add(row);
            }
        }
        m.put("perClass", perClass);
        if (cm.classes() <= JSON_MATRIX_MAX) {
            m.put("confusionMatrix", matrix); // rows: actual class, columns: predicted class
        } else { // a million mostly-zero counts for 1,000 classes: the cells that are not zero instead
            m.put("confusionCells", cells(cm.nonZero()));
        }
        m.put("mostConfused", cells(cm.mostConfused(TOP)));
        return m;
    }

    /** Cells as {@code {"actual", "predicted", "count"}} objects. */
    private static List<Object> cells(List<ConfusionMatrix.Cell> cells) {
        List<Object> out = new ArrayList<>();
        for (ConfusionMatrix.Cell cell : cells) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("actual", cell.actual());
            m.put("predicted", cell.predicted());
            m.put("count", cell.count());
            out.add(m);
        }
        return out;
    }

    /**
     * Pretty-printed JSON of {@link #toMap()}, led by {@code "format": "spark-digits-evaluation"}
     * so a later run can tell its own report from a user's file before replacing it.
     */
    public String toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", OutputGuard.REPORT_FORMAT);
        m.putAll(toMap());
        try {
            return JSON.writeValueAsString(m);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("a map of numbers and lists failed to serialise", e);
        }
    }

    /**
     * Summary lines, then the confusion matrix (rows actual, columns predicted), then a
     * per-class precision/recall/F1/support table closed by the macro averages. Beyond
     * {@link #TABLE_MATRIX_MAX} classes the matrix gives way to the {@link #TOP} most confused
     * pairs, and beyond {@link #TABLE_CLASSES_MAX} the class table to the classes that occur (the
     * {@link #TOP} of lowest F1 if more than that many do): the JSON holds all of it.
     */
    public String toTable() {
        int k = cm.classes();
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "rows          %d%n", rows));
        sb.append(String.format(Locale.ROOT, "classes       %d%n", k));
        sb.append(String.format(Locale.ROOT, "accuracy      %.4f (%.2f%%)%n", accuracy(), 100 * accuracy()));
        sb.append(String.format(Locale.ROOT, "mean loss     %.4f%n", meanLoss()));
        sb.append(String.format(Locale.ROOT, "macro P/R/F1  %.4f / %.4f / %.4f%n%n",
                macroPrecision(), macroRecall(), macroF1()));
        if (k <= TABLE_MATRIX_MAX) {
            matrixTable(sb);
        } else {
            confusedTable(sb);
        }
        sb.append(System.lineSeparator());
        classTable(sb);
        return sb.toString();
    }

    /**
     * Per-class precision, recall, F1 and support, then the macro averages. A class that does not
     * occur shows dashes: the macro averages leave it out. Beyond {@link #TABLE_CLASSES_MAX}
     * classes, only classes that occur are listed, and of more than that many the {@link #TOP} of
     * lowest F1.
     */
    private void classTable(StringBuilder sb) {
        int k = cm.classes();
        int sw = Math.max(String.valueOf(rows).length(), "support".length());
        List<Integer> shown;
        if (k <= TABLE_CLASSES_MAX) {
            shown = java.util.stream.IntStream.range(0, k).boxed().toList();
        } else if (cm.occurring() > TABLE_CLASSES_MAX) {
            shown = cm.lowestF1(TOP);
            sb.append("the ").append(TOP).append(" classes of lowest F1 (all ").append(k)
                    .append(" are in the JSON report)").append(System.lineSeparator());
        } else {
            shown = cm.occurringClasses();
            sb.append("the ").append(shown.size()).append(" classes in the data or its predictions (all ").append(k)
                    .append(" are in the JSON report)").append(System.lineSeparator());
        }
        sb.append(String.format(Locale.ROOT, "%-7s %9s %9s %9s %" + sw + "s%n",
                "class", "precision", "recall", "f1", "support"));
        for (int c : shown) {
            sb.append(cm.occurs(c)
                    ? String.format(Locale.ROOT, "%-7d %9.4f %9.4f %9.4f %" + sw + "d%n",
                            c, cm.precision(c), cm.recall(c), cm.f1(c), cm.support(c))
                    : String.format(Locale.ROOT, "%-7d %9s %9s %9s %" + sw + "d%n", c, "-", "-", "-", 0));
        }
        sb.append(String.format(Locale.ROOT, "%-7s %9.4f %9.4f %9.4f %" + sw + "d%n",
                "macro", macroPrecision(), macroRecall(), macroF1(), rows));
    }

    private void matrixTable(StringBuilder sb) {
        int k = cm.classes();
        int w = Math.max(String.valueOf(Math.max(k - 1, maxCount())).length(), 3) + 2;
        String label = "actual\\pred";
        sb.append("confusion matrix (rows: actual, columns: predicted)").append(System.lineSeparator());
        sb.append(label);
        for (int p = 0; p < k; p++) {
            sb.append(pad(String.valueOf(p), w));
        }
        sb.append(System.lineSeparator());
        for (int a = 0; a < k; a++) {
            sb.append(pad(String.valueOf(a), label.length()));
            for (int p = 0; p < k; p++) {
                sb.append(pad(String.valueOf(cm.count(a, p)), w));
            }
            sb.append(System.lineSeparator());
        }
    }

    private void confusedTable(StringBuilder sb) {
        List<ConfusionMatrix.Cell> top = cm.mostConfused(TOP);
        sb.append("most confused pairs (").append(cm.classes()).append(" classes: the matrix is in the JSON report)")
                .append(System.lineSeparator());
        if (top.isEmpty()) {
            sb.append("none: every row is predicted right").append(System.lineSeparator());
            return;
        }
        sb.append(String.format(Locale.ROOT, "%7s %9s %9s %9s%n", "actual", "predicted", "rows", "of actual"));
        for (ConfusionMatrix.Cell c : top) {
            sb.append(String.format(Locale.ROOT, "%7d %9d %9d %8.1f%%%n", c.actual(), c.predicted(), c.count(),
                    100.0 * c.count() / Math.max(1, cm.support(c.actual()))));
        }
    }

    private long maxCount() {
        long max = 0;
        for (int a = 0; a < cm.classes(); a++) {
            for (int p = 0; p < cm.classes(); p++) {
                max = Math.max(max, cm.count(a, p));
            }
        }
        return max;
    }

    private static String pad(String s, int width) {
        return " ".repeat(Math.max(0, width - s.length())) + s;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "EvaluationReport(rows=%d, accuracy=%.4f, meanLoss=%.4f)",
                rows, accuracy(), meanLoss());
    }
}
