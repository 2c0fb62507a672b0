package io.sparkdigits.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

/** Which runs are kept on loopback, and that the user's own settings win (LoopbackIT checks the sockets). */
class LocalBindingTest {

    private static SparkConf conf(String master, String... keyValues) {
        SparkConf conf = new SparkConf(false).set("spark.master", master);
        for (int i = 0; i < keyValues.length; i += 2) {
            conf.set(keyValues[i], keyValues[i + 1]);
        }
        return conf;
    }

    @Test
    void localMastersAreLocalAndOthersAreNot() {
        for (String m : List.of("local", "local[1]", "local[*]", "local[4,3]", "local[*, 2]", " local[2] ")) {
            assertTrue(LocalBinding.isLocal(m), m);
        }
        for (String m : List.of("local-cluster[2,1,1024]", "spark://127.0.0.1:7077", "yarn", "k8s://https://h:443",
                "localhost", "")) {
            assertFalse(LocalBinding.isLocal(m), m);
        }
        assertFalse(LocalBinding.isLocal(null));
    }

    @Test
    void aLocalRunBindsToLoopbackWithNoUi() {
        SparkConf c = conf("local[*]");
        assertEquals(List.of(), LocalBinding.settle(c, "192.0.2.2"));
        assertEquals("127.0.0.1", c.get("spark.driver.bindAddress"));
        assertEquals("127.0.0.1", c.get("spark.driver.host"));
        assertEquals("false", c.get("spark.ui.enabled"));
    }

    @Test
    void clusterMastersAreLeftAsTheyAre() {
        for (String m : List.of("spark://127.0.0.1:7077", "local-cluster[2,1,1024]", "yarn")) {
            SparkConf c = conf(m);
            assertEquals(List.of(), LocalBinding.settle(c, null));
            assertFalse(c.contains("spark.driver.bindAddress"), m);
            assertFalse(c.contains("spark.driver.host"), m);
            assertFalse(c.contains("spark.ui.enabled"), m);
        }
    }

    @Test
    void theUsersBindAddressWinsAndIsLogged() {
        SparkConf c = conf("local[2]", "spark.driver.bindAddress", "0.0.0.0");
        List<LocalBinding.Note> notes = LocalBinding.settle(c, "127.0.0.1");
        assertEquals("0.0.0.0", c.get("spark.driver.bindAddress"));
        assertEquals("127.0.0.1", c.get("spark.driver.host"), "a wildcard bind is reached on loopback");
        assertEquals(1, notes.size(), notes::toString);
        assertFalse(notes.get(0).warning());
        assertTrue(notes.get(0).text().contains("listens on 0.0.0.0, as spark.driver.bindAddress says"), notes::toString);
    }

    @Test
    void theDriverAdvertisesTheUsersBindAddressWhereItListens() {
        // Spark would advertise the host name's address, where nothing listens, and the local
        // executor could not fetch the application jar.
        SparkConf c = conf("local[2]", "spark.driver.bindAddress", "192.0.2.2");
        LocalBinding.settle(c, null);
        assertEquals("192.0.2.2", c.get("spark.driver.host"));
        SparkConf both = conf("local[2]", "spark.driver.bindAddress", "0.0.0.0", "spark.driver.host", "myhost");
        LocalBinding.settle(both, null);
        assertEquals("myhost", both.get("spark.driver.host"));
    }

    @Test
    void theUsersDriverHostIsWhereSparkBindsSoItWinsToo() {
        SparkConf c = conf("local[2]", "spark.driver.host", "192.0.2.2");
        List<LocalBinding.Note> notes = LocalBinding.settle(c, "127.0.0.1");
        assertFalse(c.contains("spark.driver.bindAddress"));
        assertTrue(notes.get(0).text().contains("listens on 192.0.2.2, as spark.driver.host says"), notes::toString);
    }

    @Test
    void anExplicitUiIsKeptAndWarnedAboutWhenSparkLocalIpIsNotLoopback() {
        SparkConf onLoopback = conf("local[2]", "spark.ui.enabled", "true");
        assertEquals(List.of(), LocalBinding.settle(onLoopback, "127.0.0.1"));
        assertEquals("true", onLoopback.get("spark.ui.enabled"));

        SparkConf unset = conf("local[2]", "spark.ui.enabled", "true");
        List<LocalBinding.Note> notes = LocalBinding.settle(unset, null);
        assertEquals("true", unset.get("spark.ui.enabled"));
        assertTrue(notes.get(0).warning());
        assertTrue(notes.get(0).text().contains("every network interface (SPARK_LOCAL_IP is unset)"), notes::toString);

        List<LocalBinding.Note> external = LocalBinding.settle(conf("local[2]", "spark.ui.enabled", "true"), "192.0.2.2");
        assertTrue(external.get(0).text().contains("listen on 192.0.2.2 (SPARK_LOCAL_IP)"), external::toString);
    }

    @Test
    void anExplicitlyDisabledUiNeedsNoWarning() {
        SparkConf c = conf("local[2]", "spark.ui.enabled", "false");
        assertEquals(List.of(), LocalBinding.settle(c, null));
    }
}
