package io.sparkdigits.report;

import io.sparkdigits.eval.ConfusionMatrix;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Paint;
import java.awt.image.BufferedImage;
import java.util.List;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.chart.axis.LogarithmicAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.PaintScale;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.DefaultXYZDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The report's plots, drawn by JFreeChart into images: curves by epoch, the confusion matrix as a
 * heatmap with its counts, and per-class precision, recall and F1 as bars. Callers run with
 * {@code java.awt.headless=true}; nothing here needs a display.
 */
final class Charts {
    private static final Color[] LINES = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c)};
    private static final Font CELL = new Font(Font.SANS_SERIF, Font.PLAIN, 11);

    private Charts() {
    }

    /** One named series of values by epoch; null values are gaps (an epoch without that figure). */
    record Series(String name, List<Double> values) {
    }

    /** Lines by epoch (x from 1), one colour per series, a point on every epoch. */
    static BufferedImage curves(String title, String yLabel, List<Series> series, boolean logScale,
                                int width, int height) {
        XYSeriesCollection data = new XYSeriesCollection();
        for (Series s : series) {
            XYSeries xy = new XYSeries(s.name(), false, true);
            for (int i = 0; i < s.values().size(); i++) {
                Double v = s.values().get(i);
                if (v != null && Double.isFinite(v) && (!logScale || v > 0)) {
                    xy.add(i + 1, v);
                }
            }
            data.addSeries(xy);
        }
        JFreeChart chart = ChartFactory.createXYLineChart(title, "epoch", yLabel, data, PlotOrientation.VERTICAL,
                true, false, false);
        XYPlot plot = chart.getXYPlot();
        style(chart);
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true);
        for (int i = 0; i < series.size(); i++) {
            r.setSeriesPaint(i, LINES[i % LINES.length]);
            r.setSeriesStroke(i, new BasicStroke(2f));
        }
        plot.setRenderer(r);
        NumberAxis x = (NumberAxis) plot.getDomainAxis();
        x.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        if (logScale) {
            // Ticks at 1, 2, ... 9 times a power of ten, in plain decimals: read at a glance.
            LogarithmicAxis y = new LogarithmicAxis(yLabel);
            y.setStrictValuesFlag(false);
            y.setAutoRangeNextLogFlag(false);
            plot.setRangeAxis(y);
        } else {
            ((NumberAxis) plot.getRangeAxis()).setAutoRangeIncludesZero(false);
        }
        return chart.createBufferedImage(width, height);
    }

    /** Classes up to which the heatmap writes each count in its cell and names every class on the axes. */
    static final int HEATMAP_COUNTS_MAX = 20;
    /** Classes up to which there is a heatmap at all: beyond, a cell would be less than a few pixels. */
    static final int HEATMAP_MAX = 100;
    /** Classes up to which the per-class chart has a bar for every class; beyond, the ones of lowest F1. */
    static final int BARS_MAX = 30;

    /**
     * The matrix as coloured cells (rows actual, columns predicted), with each count written in its
     * cell up to {@link #HEATMAP_COUNTS_MAX} classes. Colour follows the square root of the count,
     * so the few off-diagonal mistakes still show beside a diagonal a hundred times larger.
     */
    static BufferedImage heatmap(ConfusionMatrix cm, int width, int height) {
        int k = cm.classes();
        double[] xs = new double[k * k];
        double[] ys = new double[k * k];
        double[] zs = new double[k * k];
        long max = 1;
        for (int a = 0; a < k; a++) {
            for (int p = 0; p < k; p++) {
                int i = a * k + p;
                xs[i] = p;
                ys[i] = a;
                zs[i] = cm.count(a, p);
                max = Math.max(max, cm.count(a, p));
            }
        }
        DefaultXYZDataset data = new DefaultXYZDataset();
        data.addSeries("counts", new double[][] {xs, ys, zs});
        NumberAxis x;
        NumberAxis y;
        if (k <= HEATMAP_COUNTS_MAX) {
            String[] names = new String[k];
            for (int c = 0; c < k; c++) {
                names[c] = String.valueOf(c);
            }
            x = new SymbolAxis("predicted", names);
            y = new SymbolAxis("actual", names);
        } else { // a label for every class would overlap: numbered ticks
            x = new NumberAxis("predicted");
            y = new NumberAxis("actual");
            for (NumberAxis axis : new NumberAxis[] {x, y}) {
                axis.setRange(-0.5, k - 0.5);
                axis.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
            }
        }
        y.setInverted(true);
        XYBlockRenderer r = new XYBlockRenderer();
        r.setPaintScale(new SqrtScale(max));
        XYPlot plot = new XYPlot(data, x, y, r);
        plot.setDomainGridlinesVisible(false);
        plot.setRangeGridlinesVisible(false);
        for (int a = 0; a < k && k <= HEATMAP_COUNTS_MAX; a++) {
            for (int p = 0; p < k; p++) {
                long n = cm.count(a, p);
                XYTextAnnotation t = new XYTextAnnotation(String.valueOf(n), p, a);
                t.setFont(CELL);
                t.setPaint(Math.sqrt((double) n / max) > 0.55 ? Color.WHITE : Color.BLACK);
                plot.addAnnotation(t);
            }
        }
        JFreeChart chart = new JFreeChart("Confusion matrix (rows: actual, columns: predicted)",
                JFreeChart.DEFAULT_TITLE_FONT.deriveFont(14f), plot, false);
        style(chart);
        return chart.createBufferedImage(width, height);
    }

    /**
     * Precision, recall and F1 of every class that occurs side by side, or of the {@link #BARS_MAX}
     * classes of lowest F1 (in class order) when there are more.
     */
    static BufferedImage perClass(ConfusionMatrix cm, int width, int height) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        List<Integer> shown = shownClasses(cm);
        for (int c : shown) {
            String label = String.valueOf(c);
            data.addValue(cm.precision(c), "precision", label);
            data.addValue(cm.recall(c), "recall", label);
            data.addValue(cm.f1(c), "F1", label);
        }
        String title = cm.occurring() <= BARS_MAX ? "Per-class precision, recall and F1"
                : "The " + BARS_MAX + " classes of lowest F1";
        JFreeChart chart = ChartFactory.createBarChart(title, "class", "",
                data, PlotOrientation.VERTICAL, true, false, false);
        style(chart);
        CategoryPlot plot = chart.getCategoryPlot();
        BarRenderer r = (BarRenderer) plot.getRenderer();
        r.setBarPainter(new StandardBarPainter());
        r.setShadowVisible(false);
        for (int i = 0; i < 3; i++) {
            r.setSeriesPaint(i, LINES[i]);
        }
        if (data.getColumnCount() > 12) { // side by side, the class numbers would be cut to "..."
            plot.getDomainAxis().setCategoryLabelPositions(org.jfree.chart.axis.CategoryLabelPositions.UP_90);
        }
        NumberAxis y = (NumberAxis) plot.getRangeAxis();
        double low = 1;
        for (int c : shown) {
            low = Math.min(low, Math.min(cm.precision(c), Math.min(cm.recall(c), cm.f1(c))));
        }
        // Good models differ in the last few points: start the axis just below the lowest bar.
        y.setRange(Math.max(0, Math.floor(low * 20 - 1) / 20), 1.0);
        return chart.createBufferedImage(width, height);
    }

    /**
     * The classes the per-class chart shows, in class order: those that occur in the data or its
     * predictions (an absent class's zero bars would say nothing and pull the axis down to 0).
     */
    static List<Integer> shownClasses(ConfusionMatrix cm) {
        if (cm.occurring() <= BARS_MAX) {
            return cm.occurringClasses();
        }
        List<Integer> worst = cm.lowestF1(BARS_MAX);
        worst.sort(null);
        return worst;
    }

    private static void style(JFreeChart chart) {
        chart.setBackgroundPaint(Color.WHITE);
        chart.getPlot().setBackgroundPaint(new Color(0xf7f7f7));
        chart.setAntiAlias(true);
        chart.setTextAntiAlias(true);
    }

    /** White to dark blue by the square root of the count. */
    private record SqrtScale(long max) implements PaintScale {
        @Override
        public double getLowerBound() {
            return 0;
        }

        @Override
        public double getUpperBound() {
            return max;
        }

        @Override
        public Paint getPaint(double value) {
            double t = Math.sqrt(Math.max(0, Math.min(1, value / max)));
            return new Color(mix(255, 8, t), mix(255, 48, t), mix(255, 107, t));
        }

        private static int mix(int from, int to, double t) {
            return (int) Math.round(from + (to - from) * t);
        }
    }
}
