package io.sparkdigits.train;

import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamField;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * A float array as Spark ships it every step: the weights in the step's broadcast, a partial
 * gradient in a task's result.
 *
 * <p>Java serialization writes a {@code float[]} element by element (about 0.35 ms each way for
 * 110k floats, measured here) and a step does that three or four times, on the critical path. Here
 * Java serialization writes the raw little-endian bytes in bulk copies instead, several times
 * faster. Kryo, if the user configured it, ignores {@code serialPersistentFields} and serializes
 * the field itself, which it already does in bulk.
 */
public final class FloatPayload implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Java serialization writes no fields by default: {@link #writeObject} writes the array itself. */
    private static final ObjectStreamField[] serialPersistentFields = {};
    /** Bytes per bulk copy: bounded scratch, large enough that per-call costs vanish. */
    private static final int CHUNK_BYTES = 1 << 16;

    private float[] values;

    public FloatPayload(float[] values) {
        this.values = values;
    }

    /** The array itself, not a copy. */
    public float[] values() {
        return values;
    }

    private void writeObject(ObjectOutputStream out) throws IOException {
        out.defaultWriteObject();
        out.writeInt(values.length);
        byte[] chunk = new byte[(int) Math.min(CHUNK_BYTES, 4L * values.length)];
        FloatBuffer view = ByteBuffer.wrap(chunk).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        for (int at = 0; at < values.length; ) {
            int n = Math.min(chunk.length / 4, values.length - at);
            view.clear();
            view.put(values, at, n);
            out.write(chunk, 0, 4 * n);
            at += n;
        }
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        int length = in.readInt();
        if (length < 0) {
            throw new InvalidObjectException("negative float array length " + length);
        }
        values = new float[length];
        byte[] chunk = new byte[(int) Math.min(CHUNK_BYTES, 4L * length)];
        FloatBuffer view = ByteBuffer.wrap(chunk).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        for (int at = 0; at < length; ) {
            int n = Math.min(chunk.length / 4, length - at);
            in.readFully(chunk, 0, 4 * n);
            view.clear();
            view.get(values, at, n);
            at += n;
        }
    }
}
