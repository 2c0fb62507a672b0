package io.sparkdigits.model;

import io.sparkdigits.nn.Mlp;
import io.sparkdigits.nn.NetworkSpec;
import io.sparkdigits.nn.SoftmaxCrossEntropy;

import java.io.IOException;
import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;

/**
 * A trained network as it is saved and loaded: its {@link NetworkSpec}, the flat parameter array
 * laid out as the spec describes, the scale applied to raw inputs, free-form metadata and
 * optional named state arrays (optimizer state, so a checkpoint resumes exactly).
 *
 * <p>Immutable except for the float arrays: {@link #params()} and the arrays in {@link #state()}
 * are shared, not copied (a model holds up to millions of floats), and callers must not modify
 * them. {@code info} is deep-copied into unmodifiable collections and normalised to what a JSON
 * round trip gives back, so a loaded model's {@code info()} equals the saved one:
 * <ul>
 *   <li>keys are Strings; values are null, String, Boolean, Long, Double, BigInteger (integers
 *       beyond the long range), List or Map;</li>
 *   <li>Byte, Short and Integer become Long; Float and BigDecimal become Double (a Float through
 *       its shortest decimal form, so {@code 0.1f} becomes {@code 0.1});</li>
 *   <li>NaN and infinities become the Strings {@code "NaN"}, {@code "Infinity"} and
 *       {@code "-Infinity"}, as JSON has no literal for them;</li>
 *   <li>arrays and other Collections become Lists.</li>
 * </ul>
 *
 * <p>Serving without Spark: {@link #load(String)} reads a model directory, and {@link #predict},
 * {@link #predictBatch} and {@link #predictLabel} score raw rows in the calling thread. They are
 * safe to call from many threads at once: each call works in buffers of its own.
 */
public final class Model {
    /** The info key that says how training standardised a table's features. */
    public static final String TABLE_INPUTS = "inputs";
    /** Rows per forward pass of {@link #predictBatch}: the inference chunk of the batch jobs. */
    public static final int BATCH_ROWS = 256;
    /** State names become file names ({@code state-<name>.bin}), so they are kept portable. */
    private static final Pattern STATE_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}");

    private final NetworkSpec spec;
    private final float[] params;
    private final float inputScale;
    private final Map<String, Object> info;
    private final Map<String, float[]> state;

    /**
     * @param spec       the network shape
     * @param params     {@code spec.numParams()} floats in the spec's layout; shared, not copied
     * @param inputScale factor applied to raw input values before the network: {@code 1/255} for
     *                   0..255 pixels, {@code 1} for data already scaled; finite and positive
     * @param info       JSON-able metadata (training config, seed, data summary, metrics, time)
     * @param state      extra named float arrays, may be empty; names match
     *                   {@code [A-Za-z0-9_][A-Za-z0-9_.-]{0,63}}; arrays shared, not copied
     * @throws IllegalArgumentException if the parameter count does not match the spec, the scale
     *                                  is not finite and positive, a state name is not portable, or
     *                                  {@code info} holds a value JSON cannot represent
     */
    public Model(NetworkSpec spec, float[] params, float inputScale, Map<String, Object> info,
                 Map<String, float[]> state) {
        this.spec = Objects.requireNonNull(spec, "spec");
        this.params = Objects.requireNonNull(params, "params");
        if (params.length != spec.numParams()) {
            throw new IllegalArgumentException("network " + spec + " has " + spec.numParams()
                    + " parameters but " + params.length + " were given");
        }
        if (!(inputScale > 0f) || Float.isInfinite(inputScale)) {
            throw new IllegalArgumentException("inputScale must be finite and positive: " + inputScale);
        }
        this.inputScale = inputScale;
        this.info = info == null ? Map.of() : jsonMap(info, "info");
        Map<String, float[]> s = new LinkedHashMap<>();
        if (state != null) {
            for (Map.Entry<String, float[]> e : state.entrySet()) {
                String name = e.getKey();
                if (name == null || !STATE_NAME.matcher(name).matches()) {
                    throw new IllegalArgumentException("state name '" + name
                            + "' is not portable: use letters, digits, '_', '.', '-' (at most 64)");
                }
                s.put(name, Objects.requireNonNull(e.getValue(), () -> "state array '" + name + "' is null"));
            }
        }
        this.state = Collections.unmodifiableMap(s);
    }

    public NetworkSpec spec() {
        return spec;
    }

    /** The flat parameters, shared with this model: do not modify. */
    public float[] params() {
        return params;
    }

    public float inputScale() {
        return inputScale;
    }

    /** Unmodifiable, normalised metadata (see the class comment). */
    public Map<String, Object> info() {
        return info;
    }

    /**
     * Whether the inputs are a table's features, which training standardised and folded into the
     * first layer (info key {@value #TABLE_INPUTS}): there are no pictures to draw of them.
     */
    public boolean tableInputs() {
        return info.get(TABLE_INPUTS) != null;
    }

    /** Unmodifiable map of named state arrays, in insertion order; the arrays are shared. */
    public Map<String, float[]> state() {
        return state;
    }

    /**
     * Loads the model directory at {@code path} (any file system Hadoop reaches: a local path,
     * {@code file:}, {@code hdfs:}, or {@code s3a:} with its jars present) with Hadoop's default
     * configuration; no Spark session is involved.
     *
     * @throws java.io.FileNotFoundException if nothing exists at {@code path}
     * @throws ModelFormatException          if {@code path} is not a valid model directory
     */
    public static Model load(String path) throws IOException {
        return ModelStore.load(path, new Configuration());
    }

    /**
     * Class probabilities of one row of raw input values ({@code inputSize()} of them, 0..255
     * pixels for pixel data: the model applies its {@link #inputScale()}). Thread-safe.
     *
     * @return {@code spec().outputSize()} probabilities summing to 1
     * @throws IllegalArgumentException if {@code pixels} has the wrong length
     */
    public float[] predict(float[] pixels) {
        return predictBatch(new float[][] {pixels})[0];
    }

    /** The most probable class of one row of raw input values (the first one on a tie). Thread-safe. */
    public int predictLabel(float[] pixels) {
        float[] p = predict(pixels);
        return SoftmaxCrossEntropy.argmax(p, 0, p.length);
    }

    /**
     * Class probabilities of each row of raw input values, as {@link #predict} gives them, a
     * row of output per row of input. Rows are scored {@value #BATCH_ROWS} at a time, in buffers
     * made for this call, so concurrent calls share nothing mutable. Thread-safe.
     *
     * @throws IllegalArgumentException if a row has the wrong length
     */
    public float[][] predictBatch(float[][] rows) {
        int n = spec.inputSize();
        int k = spec.outputSize();
        for (int r = 0; r < rows.length; r++) {
            if (rows[r].length != n) {
                throw new IllegalArgumentException("row " + r + " has " + rows[r].length
                        + " values; the network " + spec + " takes " + n);
            }
        }
        int capacity = Math.min(rows.length, BATCH_ROWS);
        float[][] out = new float[rows.length][];
        if (capacity == 0) {
            return out;
        }
        float[] x = new float[capacity * n];
        Mlp.Workspace ws = new Mlp.Workspace(spec, capacity);
        for (int from = 0; from < rows.length; from += capacity) {
            int count = Math.min(capacity, rows.length - from);
            for (int r = 0; r < count; r++) {
                float[] row = rows[from + r];
                for (int c = 0; c < n; c++) {
                    x[r * n + c] = row[c] * inputScale;
                }
            }
            float[] p = Mlp.forward(spec, params, x, count, ws);
            for (int r = 0; r < count; r++) {
                out[from + r] = Arrays.copyOfRange(p, r * k, (r + 1) * k);
            }
        }
        return out;
    }

    /** A copy of this model with {@code info[key] = value}, sharing the float arrays. */
    public Model withInfo(String key, Object value) {
        Map<String, Object> next = new LinkedHashMap<>(info);
        next.put(Objects.requireNonNull(key, "key"), value);
        return new Model(spec, params, inputScale, next, state);
    }

    /** {@code Model(784-128-10 relu, 101770 params, inputScale=0.003921569, state=[m, v])}. */
    @Override
    public String toString() {
        return "Model(" + spec + ", " + params.length + " params, inputScale=" + inputScale
                + ", state=" + state.keySet() + ")";
    }

    private static Map<String, Object> jsonMap(Map<?, ?> map, String where) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getKey() instanceof String key)) {
                throw new IllegalArgumentException(where + " has a non-String key: " + e.getKey());
            }
            out.put(key, jsonValue(e.getValue(), where + "." + key));
        }
        return Collections.unmodifiableMap(out);
    }

    private static Object jsonValue(Object v, String where) {
        if (v == null || v instanceof String || v instanceof Boolean || v instanceof Long) {
            return v;
        }
        if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        if (v instanceof BigInteger big) {
            return big.bitLength() < 64 ? (Object) big.longValue() : big;
        }
        if (v instanceof Double || v instanceof Float || v instanceof BigDecimal) {
            double d = v instanceof Float f ? Double.parseDouble(f.toString()) : ((Number) v).doubleValue();
            if (Double.isNaN(d)) {
                return "NaN";
            }
            if (Double.isInfinite(d)) {
                return d > 0 ? "Infinity" : "-Infinity";
            }
            return d;
        }
        if (v instanceof CharSequence cs) {
            return cs.toString();
        }
        if (v instanceof Map<?, ?> m) {
            return jsonMap(m, where);
        }
        List<Object> list = new ArrayList<>();
        if (v instanceof Collection<?> c) {
            int i = 0;
            for (Object o : c) {
                list.add(jsonValue(o, where + "[" + i++ + "]"));
            }
        } else if (v.getClass().isArray()) {
            for (int i = 0, n = Array.getLength(v); i < n; i++) {
                list.add(jsonValue(Array.get(v, i), where + "[" + i + "]"));
            }
        } else {
            throw new IllegalArgumentException(where + " is a " + v.getClass().getName()
                    + "; info values must be String, Number, Boolean, List, Map, array or null");
        }
        return Collections.unmodifiableList(list);
    }
}
