package io.sparkdigits.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one cold {@code train} process spent its time on, read from the lines it printed and the
 * moments they arrived (seconds after the launcher was started): the load line gives the load's own
 * seconds, whatever came before it is start-up (launcher JVM, driver JVM, Spark session, reading
 * the files' first lines), and each epoch line gives that epoch's seconds and test accuracy.
 *
 * @param total       launcher start to process exit
 * @param startUp     launcher start to the start of the load
 * @param load        the training data's load, as the load line reports it
 * @param epochs      each epoch's seconds, in order
 * @param accuracies  each epoch's test accuracy in percent (NaN if none was printed)
 * @param arrivals    when each epoch line arrived: the epoch and its test evaluation are done
 */
record ColdRun(double total, double startUp, double load, List<Double> epochs, List<Double> accuracies,
               List<Double> arrivals) {
    /** A line of the process's merged output and the second it arrived after the launcher started. */
    record Line(double at, String text) {
    }

    private static final Pattern LOAD = Pattern.compile("loaded .* bytes cached, ([0-9]+\\.[0-9]+) s");
    private static final Pattern EPOCH = Pattern.compile(
            "epoch (\\d+)/\\d+ .*?(?:test acc ([0-9.]+)%)?\\s+([0-9]+\\.[0-9]+) s\\s+[0-9,]+ samples/s");

    static ColdRun parse(List<Line> lines, double exitAt) {
        double startUp = Double.NaN;
        double load = Double.NaN;
        List<Double> epochs = new ArrayList<>();
        List<Double> accuracies = new ArrayList<>();
        List<Double> arrivals = new ArrayList<>();
        for (Line l : lines) {
            Matcher m = LOAD.matcher(l.text());
            if (Double.isNaN(load) && m.find()) {
                load = Double.parseDouble(m.group(1));
                startUp = l.at() - load;
                continue;
            }
            m = EPOCH.matcher(l.text());
            if (m.find()) {
                epochs.add(Double.parseDouble(m.group(3)));
                accuracies.add(m.group(2) == null ? Double.NaN : Double.parseDouble(m.group(2)));
                arrivals.add(l.at());
            }
        }
        if (Double.isNaN(load) || epochs.isEmpty()) {
            throw new IllegalArgumentException("no load line or no epoch line in the output of the run");
        }
        return new ColdRun(exitAt, startUp, load, epochs, accuracies, arrivals);
    }

    double firstEpoch() {
        return epochs.get(0);
    }

    /** The median of the last three epochs: the warmest this process got. */
    double warmEpoch() {
        List<Double> last = epochs.subList(Math.max(0, epochs.size() - 3), epochs.size());
        return StepOverhead.median(last.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /** Seconds from the launcher's start to the first epoch line at or above {@code percent}; NaN if never. */
    double secondsTo(double percent) {
        for (int i = 0; i < accuracies.size(); i++) {
            if (accuracies.get(i) >= percent) {
                return arrivals.get(i);
            }
        }
        return Double.NaN;
    }

    Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("totalSeconds", total);
        m.put("startUpSeconds", startUp);
        m.put("loadSeconds", load);
        m.put("epochSeconds", epochs);
        m.put("testAccuracyPercent", accuracies);
        m.put("epochLineArrivalSeconds", arrivals);
        return m;
    }
}
