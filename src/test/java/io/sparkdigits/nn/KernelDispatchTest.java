package io.sparkdigits.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Which kernels a JVM runs: vector when it has the incubator module, scalar otherwise or when
 * forced, and never a class of the incubator API loaded on a JVM without it.
 */
class KernelDispatchTest {

    /** Surefire's argLine adds the module (as Spark's launcher does), so the vector path is tested. */
    @Test
    void testsRunWithTheVectorPath() {
        assertTrue(Dense.vectorMatMul().isPresent(), "the test JVM lacks --add-modules=jdk.incubator.vector");
        assertEquals("vector", Dense.matMul().name());
    }

    @Test
    void withoutTheModuleTheScalarPathRunsAndNoVectorClassLoads() throws Exception {
        String out = run(List.of("-verbose:class"));
        assertTrue(out.contains("kernels=scalar ok"), out);
        assertFalse(out.contains("jdk.incubator.vector"), "an incubator class was loaded");
        assertFalse(out.contains("io.sparkdigits.nn.VectorMatMul"), "the vector kernels were loaded");
        assertFalse(out.contains("io.sparkdigits.nn.VectorMaskDraw"), "the vector mask draws were loaded");
    }

    @Test
    void thePropertyForcesAPath() throws Exception {
        String module = "--add-modules=jdk.incubator.vector";
        String scalar = run(List.of(module, "-Dspark.digits.kernels=scalar"));
        assertTrue(scalar.contains("kernels=scalar ok"), scalar);
        assertFalse(scalar.contains("masks VectorMaskDraw"), "forced scalar kernels keep the scalar mask loop: " + scalar);
        assertTrue(run(List.of(module)).contains("kernels=vector ok, masks VectorMaskDraw same bits"));
        assertTrue(run(List.of("-Dspark.digits.kernels=vector")).contains("without --add-modules"));
    }

    /**
     * Each vector shape a JVM may prefer (AVX-512's 512 bits, AVX2's 256, 128, and the 64 bits of
     * a JVM that cannot vectorise, which has no two-lane vector of longs) draws the scalar loop's
     * masks, or leaves the drawing to it.
     */
    @Test
    void everyPreferredShapeDrawsTheScalarLoopsMasks() throws Exception {
        String module = "--add-modules=jdk.incubator.vector";
        for (String bytes : new String[] {"16", "32", "64"}) {
            String out = run(List.of(module, "-XX:MaxVectorSize=" + bytes));
            assertTrue(out.contains("kernels=vector ok, masks VectorMaskDraw same bits"), "MaxVectorSize=" + bytes + ": " + out);
        }
        String narrow = run(List.of(module, "-XX:MaxVectorSize=8"));
        assertTrue(narrow.contains("masks Dropout$Draws$$Lambda") && narrow.contains("same bits"),
                "64-bit vectors hold one long: the scalar loop draws: " + narrow);
    }

    /** Runs {@link Probe} in a fresh JVM with these options; returns its stdout and stderr. */
    private static String run(List<String> options) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(options);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Probe.class.getName());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }

    /** Runs one forward and backward with the default kernels and prints which they were. */
    static final class Probe {
        public static void main(String[] args) {
            try {
                float[] params = new float[3 * 2 + 2];
                float[] out = new float[2];
                Dense.forward(out, new float[] {1, 0, 2}, params, 0, 6, 1, 3, 2);
                Dense.backward(new float[3], new float[params.length], out, new float[] {1, 0, 2}, params, 0, 6, 1, 3, 2);
                NetworkSpec spec = new NetworkSpec(new int[] {20, 3}, Activation.RELU);
                Dropout.of(spec, new double[] {0.5}).masks(spec, 1).draw(new long[] {7}, 1);
                System.out.println("kernels=" + Dense.matMul().name() + " ok, masks " + Dropout.Draws.CHOSEN.getClass().getSimpleName()
                        + (sameDraws() ? " same bits" : " OTHER BITS"));
            } catch (ExceptionInInitializerError e) {
                System.out.println(e.getCause().getMessage());
            }
        }

        /** Whether the chosen mask draws give the scalar loop's bits, tails and all. */
        private static boolean sameDraws() {
            java.util.Random pick = new java.util.Random(3);
            for (int n : new int[] {1, 3, 7, 8, 9, 17, 784}) {
                long seed = pick.nextLong();
                float[] scalar = new float[n + 1];
                float[] chosen = new float[n + 1];
                Dropout.Draws.SCALAR.drawRow(seed, Dropout.dropBelow(0.3f), 1f / 0.7f, scalar, 1, n);
                Dropout.Draws.CHOSEN.drawRow(seed, Dropout.dropBelow(0.3f), 1f / 0.7f, chosen, 1, n);
                if (!java.util.Arrays.equals(scalar, chosen)) {
                    return false;
                }
            }
            return true;
        }
    }
}
