package io.sparkdigits.report;

import io.sparkdigits.eval.ConfusionMatrix;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which figures a report has and how each is drawn from the {@link ReportData}: learning curves
 * when the model has a training history, the confusion heatmap up to
 * {@value Charts#HEATMAP_MAX} classes and per-class bars always, the
 * mistake and correct grids when there are such rows, and the first layer's weights.
 */
final class ReportFigures {
    static final int CURVE_WIDTH = 580;
    static final int CURVE_HEIGHT = 340;
    static final int HEATMAP_SIZE = 580;

    private ReportFigures() {
    }

    /** The figures in page order, with their images. */
    static Map<Figure, BufferedImage> render(ReportData d) {
        Map<Figure, BufferedImage> out = new LinkedHashMap<>();
        if (!d.history().isEmpty()) {
            curve(out, d, "loss.png", "Loss", "mean cross-entropy", true,
                    "Mean cross-entropy per row by epoch: training (running, as the weights moved), validation and test.",
                    "trainLoss", "validationLoss", "testLoss");
            curve(out, d, "accuracy.png", "Accuracy", "accuracy", false,
                    "Accuracy by epoch: training (running), validation and test.",
                    "trainAccuracy", "validationAccuracy", "testAccuracy");
            if (d.hasSeries("learningRate")) {
                curve(out, d, "learning-rate.png", "Learning rate", "rate", false,
                        "The learning rate at the end of each epoch (the schedule changes it every step).",
                        "learningRate");
            }
        }
        var cm = d.evaluation().confusionMatrix();
        if (cm.classes() <= Charts.HEATMAP_MAX) { // beyond, the page's table of most confused pairs stands for it
            out.put(new Figure("confusion.png", HEATMAP_SIZE, HEATMAP_SIZE, "Confusion matrix",
                    "Counts of rows by actual class (rows) and predicted class (columns); colour by the square root"
                            + " of the count" + (cm.classes() > Charts.HEATMAP_COUNTS_MAX ? " (too many classes to"
                            + " write the counts: see the most confused pairs below)." : ".")),
                    Charts.heatmap(cm, HEATMAP_SIZE, HEATMAP_SIZE));
        }
        out.put(new Figure("per-class.png", CURVE_WIDTH, CURVE_HEIGHT, "Per-class metrics",
                perClassCaption(cm)),
                Charts.perClass(cm, CURVE_WIDTH, CURVE_HEIGHT));
        int values = d.model().spec().inputSize();
        if (!pictures(d)) {
            return out; // a table's rows and first-layer weights have no picture to draw
        }
        if (!d.mistakes().isEmpty()) {
            grid(out, "mistakes.png", "Most confident mistakes", d.mistakes(), values,
                    "The misclassified rows the model was surest of, most confident first: true label \u2192"
                            + " prediction and its probability.");
        }
        if (!d.correct().isEmpty()) {
            grid(out, "correct.png", "Correct samples", d.correct(), values,
                    "The first correctly classified rows of the data: label \u2192 prediction and its probability.");
        }
        BufferedImage filters = Pictures.filters(d.model().spec(), d.model().params());
        boolean conv = !d.model().spec().denseOnly();
        out.put(new Figure("filters.png", filters.getWidth(), filters.getHeight(),
                conv ? "First-layer filters" : "First-layer weights",
                conv ? "The kernels of the first " + Pictures.filterCount(d.model().spec()) + " filters of the first"
                        + " convolution (blue positive, red negative): the strokes and edges they detect."
                        : "The incoming weights of the first " + Pictures.filterCount(d.model().spec()) + " units of the"
                        + " first layer over the input pixels (blue positive, red negative): the patterns those units"
                        + " respond to. The network is fully connected, so these are its first layer's filters."),
                filters);
        return out;
    }

    /**
     * Whether the model's inputs can be drawn as pictures: all but a table's features, which
     * training standardised and says so in the model's info ({@code inputs}).
     */
    static boolean pictures(ReportData d) {
        return !d.model().tableInputs();
    }

    private static void curve(Map<Figure, BufferedImage> out, ReportData d, String file, String title, String y,
                              boolean log, String caption, String... fields) {
        List<Charts.Series> series = new ArrayList<>();
        for (String f : fields) {
            if (d.hasSeries(f)) {
                series.add(new Charts.Series(name(f), d.series(f)));
            }
        }
        if (series.isEmpty()) {
            return;
        }
        out.put(new Figure(file, CURVE_WIDTH, CURVE_HEIGHT, title, caption),
                Charts.curves(title, y, series, log, CURVE_WIDTH, CURVE_HEIGHT));
    }

    private static void grid(Map<Figure, BufferedImage> out, String file, String title, List<Sample> samples,
                             int values, String caption) {
        BufferedImage img = Pictures.digits(samples, values);
        out.put(new Figure(file, img.getWidth(), img.getHeight(), title, caption), img);
    }

    /**
     * The per-class figure's caption, which says when classes of the model are left out for being
     * neither in the data nor predicted.
     */
    static String perClassCaption(ConfusionMatrix cm) {
        int k = cm.classes();
        int occurring = cm.occurring();
        String where = " in the data or its predictions";
        if (occurring <= Charts.BARS_MAX) {
            return "Precision, recall and F1 of each class"
                    + (occurring == k ? "" : where + " (" + occurring + " of the model's " + k + ")") + ".";
        }
        return "Precision, recall and F1 of the " + Charts.BARS_MAX + " classes of lowest F1, of "
                + (occurring == k ? Integer.toString(k) : occurring + where + " (the model has " + k + ")")
                + "; every class is in report.json.";
    }

    private static String name(String field) {
        if (field.startsWith("train")) {
            return "train";
        }
        if (field.startsWith("validation")) {
            return "validation";
        }
        return field.startsWith("test") ? "test" : "learning rate";
    }
}
