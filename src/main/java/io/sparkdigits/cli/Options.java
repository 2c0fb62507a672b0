package io.sparkdigits.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The options a command accepts, parsed from {@code --name value} and {@code --flag} words (also
 * {@code --name=value}). Getters convert and range-check values and throw {@link UsageException}
 * with the option's name, so every command reports bad input the same way.
 */
public final class Options {
    private final String command;
    private final String summary;
    private final Map<String, Spec> specs = new LinkedHashMap<>();
    private final Map<String, String> values = new LinkedHashMap<>();

    private record Spec(String name, String arg, String help, boolean required) {
    }

    public Options(String command, String summary) {
        this.command = command;
        this.summary = summary;
    }

    /** An option taking a value, shown as {@code --name ARG}. */
    public Options value(String name, String arg, String help) {
        specs.put(name, new Spec(name, arg, help, false));
        return this;
    }

    public Options required(String name, String arg, String help) {
        specs.put(name, new Spec(name, arg, help, true));
        return this;
    }

    public Options flag(String name, String help) {
        specs.put(name, new Spec(name, null, help, false));
        return this;
    }

    /** Parses {@code args}; returns false if help was asked for. */
    public boolean parse(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String word = args[i];
            if (word.equals("--help") || word.equals("-h")) {
                return false;
            }
            if (!word.startsWith("--")) {
                throw new UsageException("unexpected argument '" + word + "' for " + command);
            }
            String name = word.substring(2);
            String inline = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                inline = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            Spec spec = specs.get(name);
            if (spec == null) {
                throw new UsageException("unknown option --" + name + " for " + command);
            }
            if (values.containsKey(name)) {
                throw new UsageException("option --" + name + " given twice");
            }
            if (spec.arg == null) {
                if (inline != null) {
                    throw new UsageException("option --" + name + " takes no value");
                }
                values.put(name, "true");
            } else if (inline != null) {
                values.put(name, inline);
            } else {
                if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
                    throw new UsageException("option --" + name + " needs a value (" + spec.arg + ")");
                }
                values.put(name, args[++i]);
            }
        }
        for (Spec s : specs.values()) {
            if (s.required && !values.containsKey(s.name)) {
                throw new UsageException("missing required option --" + s.name + " " + s.arg);
            }
        }
        return true;
    }

    public boolean has(String name) {
        return values.containsKey(name);
    }

    public String string(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    public String string(String name) {
        return values.get(name);
    }

    public boolean flag(String name) {
        return values.containsKey(name);
    }

    public int integer(String name, int fallback, int min, int max) {
        if (!has(name)) {
            return fallback;
        }
        try {
            int v = Integer.parseInt(values.get(name).trim());
            if (v < min || v > max) {
                throw new UsageException("--" + name + " must be between " + min + " and " + max + ", got " + v);
            }
            return v;
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " needs a whole number, got '" + values.get(name) + "'");
        }
    }

    public long integer(String name, long fallback) {
        if (!has(name)) {
            return fallback;
        }
        try {
            return Long.parseLong(values.get(name).trim());
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " needs a whole number, got '" + values.get(name) + "'");
        }
    }

    public double real(String name, double fallback, double min, double max) {
        if (!has(name)) {
            return fallback;
        }
        double v;
        try {
            v = Double.parseDouble(values.get(name).trim());
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " needs a number, got '" + values.get(name) + "'");
        }
        if (!(v >= min && v <= max)) {
            throw new UsageException("--" + name + " must be between " + min + " and " + max + ", got " + v);
        }
        return v;
    }

    /** One of {@code choices} (case-insensitive), returned in lower case. */
    public String choice(String name, String fallback, String... choices) {
        String v = values.getOrDefault(name, fallback).toLowerCase(Locale.ROOT);
        for (String c : choices) {
            if (c.equals(v)) {
                return v;
            }
        }
        throw new UsageException("--" + name + " must be one of " + String.join(", ", choices) + ", got '" + v + "'");
    }

    /** A comma-separated list of positive integers, such as {@code 784,128,64,10}. */
    public int[] sizes(String name) {
        String raw = values.get(name);
        List<Integer> out = new ArrayList<>();
        for (String part : raw.split(",")) {
            try {
                int v = Integer.parseInt(part.trim());
                if (v < 1) {
                    throw new NumberFormatException();
                }
                out.add(v);
            } catch (NumberFormatException e) {
                throw new UsageException("--" + name + " needs comma-separated positive sizes, got '" + raw + "'");
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    public String usage() {
        StringBuilder sb = new StringBuilder();
        sb.append("Usage: spark-digits ").append(command).append(" [options]\n\n").append(summary).append("\n\nOptions:\n");
        for (Spec s : specs.values()) {
            String left = "  --" + s.name + (s.arg == null ? "" : " " + s.arg);
            sb.append(String.format(Locale.ROOT, "%-30s %s%s%n", left, s.help, s.required ? " (required)" : ""));
        }
        sb.append(String.format(Locale.ROOT, "%-30s %s%n", "  --help", "show this help"));
        return sb.toString();
    }
}
