package io.sparkdigits.train;

import java.io.Serializable;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.broadcast.Broadcast;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * A step's weights as its tasks read them: shipped in a broadcast, or, when every task runs in the
 * driver's JVM (a {@code local} master), handed over in memory.
 *
 * <p>Why two ways: a broadcast is serialized (and compressed, unless turned off) and cut into
 * pieces on the driver when it is made, whether or not anyone will fetch them, and in local mode
 * nobody does (the tasks read the driver's copy). For the default network's 0.9 MB that took 4 to
 * 6 ms a step once warm and 10 to 16 ms in the first hundred steps of a cold run, on the driver's
 * thread while the task threads wait. In memory, a task reads the very array the broadcast would have held, so the arithmetic,
 * and the model, are the same to the bit.
 */
public interface StepWeights extends Serializable {

    /** The weights; the array itself, which tasks only read. */
    float[] values();

    /** Frees them, once the step's job is over. */
    void release();

    /** Set to {@code false} to broadcast the weights on a local master too. */
    String IN_MEMORY_CONF = "spark.digits.localWeights";

    /** {@code params} for the tasks of {@code sc}'s next job, in memory or broadcast. */
    static StepWeights of(SparkContext sc, float[] params, boolean inMemory) {
        return inMemory ? InMemory.hold(params) : Broadcasted.of(sc, params);
    }

    /** Whether {@code sc}'s tasks get the weights in memory: {@link #inMemory(boolean, SparkConf)}. */
    static boolean inMemory(SparkContext sc) {
        return inMemory(sc.isLocal(), sc.getConf());
    }

    /**
     * Whether a context hands the weights over in memory: only when every task runs in this JVM
     * and loads our classes through the driver's class loaders, so that it reads the same registry
     * (with {@code spark.executor.userClassPathFirst} the executor loads them anew, registry and
     * all); and not when {@link #IN_MEMORY_CONF} turns it off.
     */
    static boolean inMemory(boolean localMaster, SparkConf conf) {
        return localMaster && !conf.getBoolean("spark.executor.userClassPathFirst", false)
                && conf.getBoolean(IN_MEMORY_CONF, true);
    }

    /** Weights in a Spark broadcast: written once, fetched once per executor. */
    final class Broadcasted implements StepWeights {
        private static final long serialVersionUID = 1L;
        private static final ClassTag<FloatPayload> PAYLOAD = ClassTag$.MODULE$.apply(FloatPayload.class);
        private final Broadcast<FloatPayload> broadcast;

        private Broadcasted(Broadcast<FloatPayload> broadcast) {
            this.broadcast = broadcast;
        }

        static Broadcasted of(SparkContext sc, float[] params) {
            return new Broadcasted(sc.broadcast(new FloatPayload(params), PAYLOAD));
        }

        @Override
        public float[] values() {
            return broadcast.value().values();
        }

        @Override
        public void release() {
            broadcast.destroy();
        }
    }

    /**
     * Weights held in this JVM under a number; the number is what the task closure carries. Only
     * tasks of a local master, which run in this JVM, can read them.
     */
    final class InMemory implements StepWeights {
        private static final long serialVersionUID = 1L;
        private static final Map<Long, float[]> HELD = new ConcurrentHashMap<>();
        private static final AtomicLong NEXT = new AtomicLong();
        private final long id;

        private InMemory(long id) {
            this.id = id;
        }

        static InMemory hold(float[] params) {
            long id = NEXT.incrementAndGet();
            HELD.put(id, params);
            return new InMemory(id);
        }

        @Override
        public float[] values() {
            float[] v = HELD.get(id);
            if (v == null) {
                throw new IllegalStateException("the weights of this step (" + id + ") are not in this JVM:"
                        + " in-memory weights are for tasks of a local master that share the driver's class loaders;"
                        + " --conf " + IN_MEMORY_CONF + "=false broadcasts them instead");
            }
            return v;
        }

        @Override
        public void release() {
            HELD.remove(id);
        }

        /** How many steps' weights are held: 0 between steps. */
        static int held() {
            return HELD.size();
        }
    }
}
