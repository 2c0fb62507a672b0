package io.sparkdigits.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.sparkdigits.train.EpochJob;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

/** The settings the CLI gives its session unless the user chose otherwise. */
class SessionDefaultsTest {

    private static SparkConf defaults(String master, String... keyValues) {
        SparkConf conf = new SparkConf(false).set("spark.master", master);
        for (int i = 0; i < keyValues.length; i += 2) {
            conf.set(keyValues[i], keyValues[i + 1]);
        }
        return Main.defaults(conf);
    }

    @Test
    void broadcastsAreUncompressedEverywhere() {
        assertEquals("false", defaults("yarn").get("spark.broadcast.compress"));
        assertEquals("false", defaults("local[2]").get("spark.broadcast.compress"));
        assertEquals("true", defaults("local[2]", "spark.broadcast.compress", "true").get("spark.broadcast.compress"));
    }

    @Test
    void aLocalCommandRunsAnEpochAsOneJobUnlessTheUserSaysNo() {
        assertEquals("true", defaults("local[2]").get(EpochJob.CONF));
        assertEquals("false", defaults("local[*]", EpochJob.CONF, "false").get(EpochJob.CONF));
        assertFalse(defaults("yarn").contains(EpochJob.CONF), "a cluster runs a job a step");
    }

    @Test
    void onlyALocalRunWritesItsBroadcastsInSmallPieces() {
        assertEquals(Main.LOCAL_BROADCAST_BLOCK, defaults("local[2]").get("spark.broadcast.blockSize"));
        assertEquals(Main.LOCAL_BROADCAST_BLOCK, defaults("local").get("spark.broadcast.blockSize"));
        for (String cluster : new String[] {"yarn", "spark://127.0.0.1:7077", "local-cluster[2,1,1024]"}) {
            assertFalse(defaults(cluster).contains("spark.broadcast.blockSize"), cluster + " keeps Spark's 4m");
        }
        assertEquals("2m", defaults("local[2]", "spark.broadcast.blockSize", "2m").get("spark.broadcast.blockSize"),
                "the user's own setting wins");
    }
}
