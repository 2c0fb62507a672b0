package io.sparkdigits.export;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.Map;

/**
 * An exported model loaded in ONNX Runtime for Java, run on one thread (intra- and inter-op), as
 * a serving runtime would score it; for the tests and the serving bench.
 */
public final class OrtModel implements AutoCloseable {
    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession session;

    /** Probabilities {@code [rows][classes]} and labels {@code [rows]} as the runtime gives them. */
    public record Outputs(float[][] probabilities, long[] labels) {
    }

    public OrtModel(String onnxFile) throws OrtException {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            options.setInterOpNumThreads(1);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            session = env.createSession(onnxFile, options);
        }
    }

    public OrtSession session() {
        return session;
    }

    /** Scores raw rows (all of one width): the rows are copied into one {@code [N, width]} tensor. */
    public Outputs run(float[][] rows) throws OrtException {
        int width = rows[0].length;
        FloatBuffer input = FloatBuffer.allocate(rows.length * width);
        for (float[] row : rows) {
            input.put(row);
        }
        input.flip();
        try (OnnxTensor tensor = OnnxTensor.createTensor(env, input, new long[] {rows.length, width});
             OrtSession.Result result = session.run(Map.of(OnnxExporter.INPUT, tensor))) {
            FloatBuffer p = ((OnnxTensor) result.get(OnnxExporter.PROBABILITIES).orElseThrow()).getFloatBuffer();
            LongBuffer l = ((OnnxTensor) result.get(OnnxExporter.LABEL).orElseThrow()).getLongBuffer();
            int classes = p.remaining() / rows.length;
            float[][] probabilities = new float[rows.length][classes];
            for (float[] row : probabilities) {
                p.get(row);
            }
            long[] labels = new long[rows.length];
            l.get(labels);
            return new Outputs(probabilities, labels);
        }
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }
}
