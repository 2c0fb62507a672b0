package io.sparkdigits.train;

import io.sparkdigits.infer.TaskWeights;
import java.io.Serializable;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.broadcast.Broadcast;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * How a step's weights reach its tasks and their partial gradients come back: through Spark (a
 * broadcast out, task results back), or, when every task runs in the driver's JVM (a {@code local}
 * master), by handing the arrays over in memory.
 *
 * <p>Why two ways: a broadcast is serialized and cut into pieces on the driver when it is made,
 * whether or not anyone will fetch them, and in local mode nobody does (the tasks read the
 * driver's copy); a task's result is serialized by the task and deserialized by the driver, in
 * local mode too. For the default network's 0.9 MB the broadcast took 4 to 6 ms a step once warm
 * and 10 to 16 ms in the first hundred steps of a cold run, on the driver's thread while the task
 * threads wait; the two partials, each serialized, copied and read back, were about 6 MB of
 * garbage a step. In memory, a task reads the very array the broadcast would have held and the
 * driver sums the very arrays the tasks wrote, so the arithmetic, and the model, are the same to
 * the bit.
 */
public interface StepExchange extends Serializable {

    /** The weights; the array itself, which tasks only read. */
    float[] values();

    /**
     * What the task of {@code partition} returns for its partial: the partial itself, or, in
     * memory, null once the driver holds it.
     */
    GradientSum handBack(int partition, GradientSum partial);

    /** The partials in partition order, from what the job's tasks returned ({@link #handBack}). */
    GradientSum[] partials(GradientSum[] returned);

    /** Frees what the step holds, once its job is over. */
    void release();

    /** Set to {@code false} to use a broadcast and task results on a local master too. */
    String IN_MEMORY_CONF = TaskWeights.IN_MEMORY_CONF;

    /** The exchange of {@code sc}'s next job over {@code partitions}, sending {@code params}. */
    static StepExchange of(SparkContext sc, float[] params, int partitions, boolean inMemory) {
        return inMemory ? InMemory.hold(params, partitions) : Broadcasted.of(sc, params);
    }

    /** Whether {@code sc}'s tasks exchange in memory: {@link #inMemory(boolean, SparkConf)}. */
    static boolean inMemory(SparkContext sc) {
        return inMemory(sc.isLocal(), sc.getConf());
    }

    /** Whether a context exchanges in memory: when its tasks can read {@link TaskWeights#inMemory the driver's memory}. */
    static boolean inMemory(boolean localMaster, SparkConf conf) {
        return TaskWeights.inMemory(localMaster, conf);
    }

    /** Weights in a Spark broadcast, written once and fetched once per executor; partials as task results. */
    final class Broadcasted implements StepExchange {
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
        public GradientSum handBack(int partition, GradientSum partial) {
            return partial;
        }

        @Override
        public GradientSum[] partials(GradientSum[] returned) {
            return returned;
        }

        @Override
        public void release() {
            broadcast.destroy();
        }
    }

    /**
     * Weights and partials held in this JVM under a number; the number is what the task closure
     * carries. Only tasks of a local master, which run in this JVM, can use them.
     */
    final class InMemory implements StepExchange {
        private static final long serialVersionUID = 1L;
        private static final Map<Long, Held> HELD = new ConcurrentHashMap<>();
        private static final AtomicLong NEXT = new AtomicLong();
        private final long id;

        /** A step's weights and the partials its tasks left, one slot a partition. */
        private record Held(float[] params, AtomicReferenceArray<GradientSum> partials) {
        }

        private InMemory(long id) {
            this.id = id;
        }

        static InMemory hold(float[] params, int partitions) {
            long id = NEXT.incrementAndGet();
            HELD.put(id, new Held(params, new AtomicReferenceArray<>(partitions)));
            return new InMemory(id);
        }

        private Held step() {
            Held h = HELD.get(id);
            if (h == null) {
                throw new IllegalStateException("the weights of this step (" + id + ") are not in this JVM:"
                        + " in-memory weights are for tasks of a local master that share the driver's class loaders;"
                        + " --conf " + IN_MEMORY_CONF + "=false broadcasts them instead");
            }
            return h;
        }

        @Override
        public float[] values() {
            return step().params();
        }

        /**
         * Leaves the partial with the driver; a re-run task's partial replaces the failed attempt's.
         * The task read the weights, so a step not held here any more was released: its job failed
         * or was cancelled while this task ran.
         */
        @Override
        public GradientSum handBack(int partition, GradientSum partial) {
            Held h = HELD.get(id);
            if (h == null) {
                throw new IllegalStateException("step " + id + " is over (its job failed or was cancelled):"
                        + " partition " + partition + "'s partial is not wanted");
            }
            h.partials().set(partition, partial);
            return null;
        }

        @Override
        public GradientSum[] partials(GradientSum[] returned) {
            AtomicReferenceArray<GradientSum> left = step().partials();
            GradientSum[] all = new GradientSum[left.length()];
            for (int p = 0; p < all.length; p++) {
                all[p] = left.get(p);
                if (all[p] == null) {
                    throw new IllegalStateException("step " + id + ": partition " + p + " left no partial");
                }
            }
            return all;
        }

        @Override
        public void release() {
            HELD.remove(id);
        }

        /** How many steps are held: 0 between steps. */
        static int held() {
            return HELD.size();
        }
    }
}
