package io.sparkdigits.infer;

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
 * Weights that a job's tasks read: a Spark broadcast, or, when every task runs in the driver's JVM
 * (a {@code local} master), the driver's own array, held under a number that the task closure
 * carries.
 *
 * <p>Why not always a broadcast: Spark serializes a broadcast and cuts it into pieces on the driver
 * when it is made, whether or not anyone fetches them, and on a local master nobody does. For the
 * default network's 0.9 MB that is 10 to 25 ms, paid by the evaluation after every epoch.
 */
public interface TaskWeights extends Serializable {

    /** The weights; the array itself, which tasks only read. */
    float[] values();

    /** Frees them, once the job that reads them is over. */
    void release();

    /** Set to {@code false} to use a broadcast on a local master too. */
    String IN_MEMORY_CONF = "spark.digits.localWeights";

    /** {@code params} for the tasks of {@code sc}'s next job. */
    static TaskWeights of(SparkContext sc, float[] params) {
        return inMemory(sc.isLocal(), sc.getConf()) ? Held.hold(params) : new Broadcasted(sc, params);
    }

    /**
     * Whether a context's tasks can read the driver's memory: only when every task runs in this JVM
     * and loads our classes through the driver's class loaders, so that it reads the same registry
     * (with {@code spark.executor.userClassPathFirst} the executor loads them anew, registry and
     * all); and not when {@link #IN_MEMORY_CONF} turns it off.
     */
    static boolean inMemory(boolean localMaster, SparkConf conf) {
        return localMaster && !conf.getBoolean("spark.executor.userClassPathFirst", false)
                && conf.getBoolean(IN_MEMORY_CONF, true);
    }

    /** Weights in a broadcast, written once and fetched once per executor. */
    final class Broadcasted implements TaskWeights {
        private static final long serialVersionUID = 1L;
        private static final ClassTag<float[]> FLOATS = ClassTag$.MODULE$.apply(float[].class);
        private final Broadcast<float[]> broadcast;

        Broadcasted(SparkContext sc, float[] params) {
            broadcast = sc.broadcast(params, FLOATS);
        }

        @Override
        public float[] values() {
            return broadcast.value();
        }

        @Override
        public void release() {
            broadcast.destroy();
        }
    }

    /** The driver's array, in this JVM under a number, for tasks of a local master. */
    final class Held implements TaskWeights {
        private static final long serialVersionUID = 1L;
        private static final Map<Long, float[]> HELD = new ConcurrentHashMap<>();
        private static final AtomicLong NEXT = new AtomicLong();
        private final long id;

        private Held(long id) {
            this.id = id;
        }

        static Held hold(float[] params) {
            long id = NEXT.incrementAndGet();
            HELD.put(id, params);
            return new Held(id);
        }

        @Override
        public float[] values() {
            float[] params = HELD.get(id);
            if (params == null) {
                throw new IllegalStateException("weights " + id + " are not held in this JVM: their job is over"
                        + " (failed or cancelled), or this task does not share the driver's class loaders (in-memory"
                        + " weights are for tasks of a local master; --conf " + IN_MEMORY_CONF
                        + "=false broadcasts them instead)");
            }
            return params;
        }

        @Override
        public void release() {
            HELD.remove(id);
        }

        /** How many are held: 0 when no job reads any. */
        static int held() {
            return HELD.size();
        }
    }
}
