package io.sparkdigits.report;

import io.sparkdigits.model.Model;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The report's {@code index.html}: a template over the {@link ReportData} and its figures. One
 * self-contained page: styles inline, images by relative path beside it, nothing fetched from a
 * network, so it opens from {@code file://} and can be sent as a folder. Its one script only
 * records, once the page has loaded, how many of its images decoded ({@code data-images="9/9"} on
 * the body), which the browser test reads.
 */
final class HtmlPage {
    private HtmlPage() {
    }

    static String render(ReportData d, List<Figure> figures) {
        StringBuilder sb = new StringBuilder(16_384);
        var e = d.evaluation();
        sb.append("""
                <!DOCTYPE html>
                <html lang="en">
                <head>
                <meta charset="utf-8">
                <title>spark-digits report: %s</title>
                <style>
                body { font-family: sans-serif; margin: 24px; color: #222; }
                h1 { font-size: 22px; margin-bottom: 4px; } h2 { font-size: 17px; margin-top: 28px; }
                .headline { font-size: 15px; color: #444; }
                .figures { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; }
                figure { margin: 0; border: 1px solid #ddd; padding: 8px; background: #fff; }
                figcaption { font-size: 12px; color: #555; max-width: 580px; margin-top: 4px; }
                table { border-collapse: collapse; font-size: 13px; margin-bottom: 12px; }
                td, th { border: 1px solid #ddd; padding: 3px 8px; text-align: left; vertical-align: top; }
                th { background: #f3f3f3; }
                .cards { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; }
                </style>
                </head>
                <body>
                """.formatted(esc(d.modelPath())));
        sb.append("<h1>spark-digits report: ").append(esc(d.modelPath())).append("</h1>\n");
        sb.append("<p class=\"headline\">").append(esc(String.format(Locale.ROOT,
                "%s on %s: accuracy %.2f%% on %,d rows, mean loss %.4f, macro F1 %.4f.", d.model().spec(),
                d.dataPath(), 100 * e.accuracy(), e.rows(), e.meanLoss(), e.macroF1()))).append("</p>\n");
        sb.append("<div class=\"figures\">\n");
        for (Figure f : figures) {
            sb.append("<figure id=\"").append(esc(f.file().replace(".png", ""))).append("\"><img src=\"")
                    .append(esc(f.file())).append("\" width=\"").append(f.width()).append("\" height=\"")
                    .append(f.height()).append("\" alt=\"").append(esc(f.title())).append("\">\n<figcaption><b>")
                    .append(esc(f.title())).append(".</b> ").append(esc(f.caption())).append("</figcaption></figure>\n");
        }
        sb.append("</div>\n");
        confused(sb, e.confusionMatrix());
        sb.append("<h2>Model card</h2>\n<div class=\"cards\">\n");
        for (Map.Entry<String, Map<String, Object>> card : card(d).entrySet()) {
            table(sb, card.getKey(), card.getValue());
        }
        sb.append("</div>\n");
        history(sb, d);
        sb.append("""
                <p class="headline">The same facts as data: <a href="report.json">report.json</a>.</p>
                <script>
                window.addEventListener('load', function () {
                  var images = document.images, loaded = 0;
                  for (var i = 0; i < images.length; i++) {
                    if (images[i].complete && images[i].naturalWidth > 0) { loaded++; }
                  }
                  document.body.setAttribute('data-images', loaded + '/' + images.length);
                });
                </script>
                </body>
                </html>
                """);
        return sb.toString();
    }

    /** The model card's tables, title to rows. */
    static Map<String, Map<String, Object>> card(ReportData d) {
        Map<String, Map<String, Object>> cards = new LinkedHashMap<>();
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("path", d.modelPath());
        model.put("architecture", d.model().spec() + " (fully connected, softmax output)");
        model.put("parameters", String.format(Locale.ROOT, "%,d", d.model().spec().numParams()));
        model.put("input scale", d.model().inputScale());
        if (d.model().tableInputs()) {
            model.put("inputs", d.model().info().get(Model.TABLE_INPUTS));
        }
        model.put("created", d.model().info().get("created"));
        cards.put("Model", model);
        cards.put("Training settings", d.info("config"));
        cards.put("Training data", d.info("data"));
        cards.put("Training run", run(d));
        var e = d.evaluation();
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("data", d.dataPath());
        metrics.put("read", d.dataSummary());
        metrics.put("rows", d.dataRows());
        metrics.put("bad rows skipped", d.skippedRows());
        metrics.put("accuracy", String.format(Locale.ROOT, "%.4f", e.accuracy()));
        metrics.put("mean loss", String.format(Locale.ROOT, "%.4f", e.meanLoss()));
        metrics.put("macro precision / recall / F1", String.format(Locale.ROOT, "%.4f / %.4f / %.4f",
                e.macroPrecision(), e.macroRecall(), e.macroF1()));
        cards.put("Final metrics (this report's data)", metrics);
        Map<String, Object> software = new LinkedHashMap<>(d.versions());
        software.put("report Spark master", d.sparkMaster());
        software.put("report partitions", d.partitions());
        software.put("report created", d.created());
        cards.put("Software and report run", software);
        return cards;
    }

    private static Map<String, Object> run(ReportData d) {
        Map<String, Object> m = new LinkedHashMap<>();
        List<Double> seconds = d.series("seconds");
        List<Double> rate = d.series("samplesPerSecond");
        double total = seconds.stream().filter(v -> v != null).mapToDouble(Double::doubleValue).sum();
        m.put("epochs run", seconds.size());
        if (!seconds.isEmpty()) {
            m.put("time per epoch", String.format(Locale.ROOT, "%.2f s (total %.1f s)", total / seconds.size(), total));
            m.put("samples/s (mean of epochs)", String.format(Locale.ROOT, "%,.0f",
                    rate.stream().filter(v -> v != null).mapToDouble(Double::doubleValue).average().orElse(0)));
        }
        m.put("Spark master", d.model().info().get("sparkMaster"));
        m.put("partitions", d.info("data").get("partitions"));
        m.put("Spark version", d.model().info().get("sparkVersion"));
        m.put("Java version", d.model().info().get("javaVersion"));
        Map<String, Object> test = d.info("testMetrics");
        if (test.get("accuracy") instanceof Number a) {
            m.put("test accuracy at the end of training", String.format(Locale.ROOT, "%.4f", a.doubleValue()));
        }
        return m;
    }

    /** The pairs of classes most often mistaken for one another: a large matrix's heatmap says little. */
    private static void confused(StringBuilder sb, io.sparkdigits.eval.ConfusionMatrix cm) {
        var top = cm.mostConfused(MOST_CONFUSED);
        if (top.isEmpty()) {
            return;
        }
        sb.append("<h2>Most confused classes</h2>\n<table id=\"most-confused\">\n<tr><th>actual</th><th>predicted as</th>"
                + "<th>rows</th><th>of the actual class</th></tr>\n");
        for (var c : top) {
            sb.append(String.format(Locale.ROOT, "<tr><td>%d</td><td>%d</td><td>%,d</td><td>%.1f%%</td></tr>%n",
                    c.actual(), c.predicted(), c.count(), 100.0 * c.count() / Math.max(1, cm.support(c.actual()))));
        }
        sb.append("</table>\n");
    }

    /** Rows of the most-confused table. */
    static final int MOST_CONFUSED = 10;

    private static void history(StringBuilder sb, ReportData d) {
        List<Map<String, Object>> h = d.history();
        if (h.isEmpty()) {
            sb.append("<p>The model file has no training history.</p>\n");
            return;
        }
        List<String> keys = new ArrayList<>();
        h.forEach(e -> e.keySet().stream().filter(k -> !keys.contains(k)).forEach(keys::add));
        sb.append("<h2>Training history</h2>\n<table>\n<tr>");
        keys.forEach(k -> sb.append("<th>").append(esc(k)).append("</th>"));
        sb.append("</tr>\n");
        for (Map<String, Object> e : h) {
            sb.append("<tr>");
            keys.forEach(k -> sb.append("<td>").append(esc(value(e.get(k)))).append("</td>"));
            sb.append("</tr>\n");
        }
        sb.append("</table>\n");
    }

    private static void table(StringBuilder sb, String title, Map<String, Object> rows) {
        sb.append("<table>\n<tr><th colspan=\"2\">").append(esc(title)).append("</th></tr>\n");
        rows.forEach((k, v) -> sb.append("<tr><td>").append(esc(k)).append("</td><td>").append(esc(value(v)))
                .append("</td></tr>\n"));
        sb.append("</table>\n");
    }

    private static String value(Object v) {
        if (v == null) {
            return "";
        }
        if (v instanceof Double x) {
            return Math.abs(x) >= 1e-3 || x == 0 ? String.format(Locale.ROOT, "%.4f", x)
                    : String.format(Locale.ROOT, "%.3g", x);
        }
        return v.toString();
    }

    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
