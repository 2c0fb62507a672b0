package io.sparkdigits.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sparkdigits.nn.Activation;
import io.sparkdigits.nn.NetworkSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The largest class count taken, 1,000, through the model format: nothing in it assumes ten. */
class ThousandClassesTest {
    @TempDir
    Path tmp;

    @Test
    void aThousandClassModelRoundTripsAndPredictsEveryClass() throws IOException {
        NetworkSpec spec = new NetworkSpec(new int[] {16, 32, 1000}, Activation.TANH);
        SplittableRandom r = new SplittableRandom(5);
        float[] params = new float[spec.numParams()];
        for (int i = 0; i < params.length; i++) {
            params[i] = (float) r.nextGaussian();
        }
        // The last class's bias dominates: a prediction of 999 proves the last output survives the trip.
        params[params.length - 1] = 1e3f;
        Model m = new Model(spec, params, 1f / 255f, Map.of("note", "1000 classes"), Map.of());
        String path = tmp.resolve("k1000").toUri().toString();
        ModelStore.save(m, path, new Configuration());
        Model back = ModelStore.load(path, new Configuration());
        assertEquals(spec, back.spec());
        assertEquals(1000, back.spec().outputSize());
        assertArrayEquals(params, back.params());
        float[] p = back.predict(new float[16]);
        assertEquals(1000, p.length);
        assertEquals(999, back.predictLabel(new float[16]));
    }
}
