package io.sparkdigits.cli;

import java.io.PrintStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * Keeps a local run ({@code local}, {@code local[N]}, {@code local[*]}, {@code local[N,F]}) on
 * this machine. Nothing in such a run needs to be reached from another host, yet Spark binds the
 * driver's RPC endpoint and block manager to SPARK_LOCAL_IP or the host name's address (or, when
 * that is loopback, to another interface it finds) and its UI, with no authentication, to
 * SPARK_LOCAL_IP or every interface. So for a local master the driver binds to 127.0.0.1 and the UI is off unless
 * asked for. What the user set explicitly wins and is logged. {@code local-cluster} and cluster
 * masters are left as they are: their executors must reach the driver.
 *
 * <p>Spark binds the UI to the SPARK_LOCAL_IP environment variable, which no SparkConf setting
 * overrides; {@code submit/spark-digits} sets it to 127.0.0.1 for local masters, and a UI that
 * would bind elsewhere is warned about.
 */
final class LocalBinding {
    static final String LOOPBACK = "127.0.0.1";
    private static final Pattern LOCAL = Pattern.compile("local(\\[[^\\]]*])?");
    private static final Logger LOG = LogManager.getLogger(LocalBinding.class);

    private LocalBinding() {
    }

    static boolean isLocal(String master) {
        return master != null && LOCAL.matcher(master.strip()).matches();
    }

    /** Applies {@link #settle} for this process's SPARK_LOCAL_IP and logs its notes. */
    static void apply(SparkConf conf) {
        for (Note note : settle(conf, System.getenv("SPARK_LOCAL_IP"))) {
            if (note.warning()) {
                LOG.warn(note.text());
            } else {
                LOG.info(note.text());
            }
        }
    }

    /** A line to log about the user's own settings. */
    record Note(boolean warning, String text) {
    }

    /**
     * Sets the loopback defaults in {@code conf} if its master is local, and returns what the
     * user should be told: the user's own bind address, or a UI that will not be on loopback.
     */
    static List<Note> settle(SparkConf conf, String sparkLocalIp) {
        List<Note> notes = new ArrayList<>();
        if (!isLocal(conf.get("spark.master", null))) {
            return notes;
        }
        String users = bindDriver(conf);
        if (users != null) {
            notes.add(new Note(false, "local run: the driver listens on " + users
                    + " (set explicitly; otherwise " + LOOPBACK + ")"));
        }
        conf.setIfMissing("spark.ui.enabled", "false");
        if (conf.getBoolean("spark.ui.enabled", false) && !loopback(sparkLocalIp)) {
            notes.add(new Note(true, "the Spark UI will listen on " + (sparkLocalIp == null
                    ? "every network interface (SPARK_LOCAL_IP is unset)" : sparkLocalIp + " (SPARK_LOCAL_IP)")
                    + ", where other hosts can reach it; Spark binds its UI to SPARK_LOCAL_IP: set it to "
                    + LOOPBACK + " (submit/spark-digits does) to keep the UI on this machine"));
        }
        return notes;
    }

    /**
     * Binds the driver to loopback unless the user chose an address; returns that choice as
     * "ADDRESS, as KEY says", or null.
     */
    private static String bindDriver(SparkConf conf) {
        String bind = conf.get("spark.driver.bindAddress", null);
        String host = conf.get("spark.driver.host", null);
        if (bind == null && host == null) {
            conf.set("spark.driver.bindAddress", LOOPBACK);
            conf.set("spark.driver.host", LOOPBACK);
            return null;
        }
        if (bind == null) {
            // Spark binds to spark.driver.host when no bind address is given.
            return host + ", as spark.driver.host says";
        }
        if (host == null) {
            // Even the local executor fetches the application jar from the address the driver
            // advertises, by default the host name's, where nothing would listen.
            conf.set("spark.driver.host", anyAddress(bind) ? LOOPBACK : bind);
        }
        return bind + ", as spark.driver.bindAddress says";
    }

    /** Prints the UI's address once, for a local run that has one. */
    static void announceUi(SparkSession spark, PrintStream err) {
        scala.Option<String> url = spark.sparkContext().uiWebUrl();
        if (isLocal(spark.sparkContext().master()) && url.isDefined()) {
            err.println("spark-digits: Spark UI at " + url.get() + " (while the job runs)");
        }
    }

    private static boolean loopback(String address) {
        InetAddress a = resolve(address);
        return a != null && a.isLoopbackAddress();
    }

    private static boolean anyAddress(String address) {
        InetAddress a = resolve(address);
        return a != null && a.isAnyLocalAddress();
    }

    /** The address of a literal or a host name, null if there is none. */
    private static InetAddress resolve(String address) {
        if (address == null || address.isBlank()) {
            return null;
        }
        try {
            return InetAddress.getByName(address.strip());
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
