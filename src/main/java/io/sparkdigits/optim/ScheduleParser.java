package io.sparkdigits.optim;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Parses {@link LrSchedule#parse} strings and holds the argument checks the schedules share. */
final class ScheduleParser {
    private ScheduleParser() {
    }

    static LrSchedule parse(String spec, double base, long stepsPerEpoch) {
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException("empty learning-rate schedule (expected constant, cosine or step)");
        }
        if (stepsPerEpoch < 1) {
            throw new IllegalArgumentException("stepsPerEpoch must be at least 1: " + stepsPerEpoch);
        }
        int colon = spec.indexOf(':');
        String kind = (colon < 0 ? spec : spec.substring(0, colon)).trim().toLowerCase(Locale.ROOT);
        String options = colon < 0 ? null : spec.substring(colon + 1);
        return switch (kind) {
            case "constant" -> {
                options(spec, kind, options, Set.of());
                yield LrSchedule.constant(base);
            }
            case "cosine" -> {
                Map<String, String> opts = options(spec, kind, options, Set.of("warmup", "min"));
                long warmup = opts.containsKey("warmup")
                        ? epochsToSteps(spec, "warmup", opts.get("warmup"), stepsPerEpoch, false) : 0;
                double min = opts.containsKey("min") ? number(spec, "min", opts.get("min")) : 0.0;
                if (min > base) {
                    throw new IllegalArgumentException("min=" + opts.get("min") + " in schedule '" + spec
                            + "' exceeds the base learning rate " + base);
                }
                yield LrSchedule.cosine(base, warmup, min);
            }
            case "step" -> {
                Map<String, String> opts = options(spec, kind, options, Set.of("gamma", "every"));
                if (!opts.containsKey("every")) {
                    throw new IllegalArgumentException("step schedule '" + spec
                            + "' needs every=<epochs>, e.g. step:gamma=0.5,every=5");
                }
                double gamma = opts.containsKey("gamma") ? number(spec, "gamma", opts.get("gamma")) : 0.1;
                if (gamma == 0.0) {
                    throw new IllegalArgumentException("bad value 'gamma=" + opts.get("gamma") + "' in schedule '"
                            + spec + "' (expected a positive number)");
                }
                long every = epochsToSteps(spec, "every", opts.get("every"), stepsPerEpoch, true);
                yield LrSchedule.step(base, gamma, every);
            }
            default -> throw new IllegalArgumentException("unknown learning-rate schedule '" + kind + "' in '"
                    + spec + "' (expected constant, cosine or step)");
        };
    }

    /** {@code key=value} pairs after the colon, checked against the allowed keys. */
    private static Map<String, String> options(String spec, String kind, String options, Set<String> allowed) {
        Map<String, String> result = new LinkedHashMap<>();
        if (options == null) {
            return result;
        }
        if (allowed.isEmpty()) {
            throw new IllegalArgumentException(kind + " schedule takes no options, got '" + options
                    + "' in '" + spec + "'");
        }
        for (String part : options.split(",", -1)) {
            int eq = part.indexOf('=');
            String key = eq < 0 ? "" : part.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            String value = eq < 0 ? "" : part.substring(eq + 1).trim();
            if (key.isEmpty() || value.isEmpty()) {
                throw new IllegalArgumentException("malformed option '" + part.trim() + "' in schedule '" + spec
                        + "' (expected key=value)");
            }
            if (!allowed.contains(key)) {
                throw new IllegalArgumentException("unknown option '" + key + "' for the " + kind + " schedule in '"
                        + spec + "' (expected " + String.join(" or ", allowed.stream().sorted().toList()) + ")");
            }
            if (result.put(key, value) != null) {
                throw new IllegalArgumentException("option '" + key + "' given twice in schedule '" + spec + "'");
            }
        }
        return result;
    }

    /** A finite, non-negative number. */
    private static double number(String spec, String key, String value) {
        double x;
        try {
            x = Double.parseDouble(value);
        } catch (NumberFormatException e) {
            x = Double.NaN;
        }
        if (!(x >= 0.0) || Double.isInfinite(x)) {
            throw new IllegalArgumentException("bad value '" + key + "=" + value + "' in schedule '" + spec
                    + "' (expected a finite non-negative number)");
        }
        return x;
    }

    private static long epochsToSteps(String spec, String key, String value, long stepsPerEpoch, boolean atLeastOne) {
        double epochs = number(spec, key, value);
        double exact = epochs * stepsPerEpoch;
        if (exact > 1e15) {
            throw new IllegalArgumentException("bad value '" + key + "=" + value + "' in schedule '" + spec
                    + "' (too many epochs)");
        }
        long steps = Math.round(exact);
        if (atLeastOne && steps < 1) {
            throw new IllegalArgumentException("bad value '" + key + "=" + value + "' in schedule '" + spec
                    + "' (must be at least one step; one epoch is " + stepsPerEpoch + " steps)");
        }
        return steps;
    }

    static void checkRate(String what, double rate) {
        if (!(rate >= 0.0) || Double.isInfinite(rate)) {
            throw new IllegalArgumentException(what + " learning rate must be finite and non-negative: " + rate);
        }
    }

    static void checkStep(long step, long totalSteps) {
        if (step < 0 || totalSteps < 0) {
            throw new IllegalArgumentException("step and totalSteps must be non-negative: " + step + ", " + totalSteps);
        }
    }
}
