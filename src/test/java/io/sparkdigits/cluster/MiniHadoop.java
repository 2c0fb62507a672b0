package io.sparkdigits.cluster;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.hadoop.yarn.api.records.ApplicationId;
import org.apache.hadoop.yarn.api.records.ApplicationReport;
import org.apache.hadoop.yarn.api.records.YarnApplicationState;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.exceptions.YarnException;
import org.apache.hadoop.yarn.server.MiniYARNCluster;

/**
 * Hadoop's own HDFS and YARN in this JVM (one DataNode, one NodeManager), and what a user of
 * {@code submit/examples/yarn.sh} would have beside them: {@code HADOOP_CONF_DIR} with the
 * clusters' addresses, and a {@code SPARK_HOME} made of the Maven-resolved Spark jars (Spark's
 * YARN module included) whose {@code bin/spark-submit} runs Spark's launcher as a distribution's does.
 *
 * <p>Every container is a JVM on this machine, so {@code spark.yarn.jars} names the local jars
 * ({@code local:} URIs) instead of uploading 300 MB to HDFS per application, and all of Spark
 * binds to 127.0.0.1. The NodeManager's container logs stay under {@code target/test/data/YarnIT/}.
 */
final class MiniHadoop implements AutoCloseable {
    private static final Set<YarnApplicationState> ENDED = EnumSet.of(
            YarnApplicationState.FINISHED, YarnApplicationState.FAILED, YarnApplicationState.KILLED);
    private static final String NAME = "YarnIT";

    private final MiniDFSCluster dfs;
    private final MiniYARNCluster yarn;
    private final YarnClient client;
    private final Path confDir;
    private final Path sparkHome;

    private MiniHadoop(MiniDFSCluster dfs, MiniYARNCluster yarn, YarnClient client, Path confDir, Path sparkHome) {
        this.dfs = dfs;
        this.yarn = yarn;
        this.client = client;
        this.confDir = confDir;
        this.sparkHome = sparkHome;
    }

    /** Starts HDFS and YARN and writes their configuration and a Spark home under {@code work}. */
    static MiniHadoop start(Path basedir, Path work) throws IOException {
        Configuration conf = new Configuration();
        conf.setInt("dfs.replication", 1);
        MiniDFSCluster dfs = new MiniDFSCluster.Builder(conf, work.resolve("dfs").toFile())
                .numDataNodes(1).nameNodeHttpPort(0).build();
        dfs.waitActive();
        conf.set(FileSystem.FS_DEFAULT_NAME_KEY, dfs.getFileSystem().getUri().toString());

        MiniYARNCluster yarn = new MiniYARNCluster(NAME, 1, 1, 1);
        try {
            yarn.init(yarnConf(conf));
            yarn.start();
            Configuration live = awaitRmAddress(yarn);
            Path confDir = writeConf(work.resolve("hadoop-conf"), conf, live);
            Path sparkHome = SparkHome.write(basedir, work.resolve("spark-home"));
            YarnClient client = YarnClient.createYarnClient();
            client.init(live);
            client.start();
            return new MiniHadoop(dfs, yarn, client, confDir, sparkHome);
        } catch (IOException | RuntimeException e) {
            yarn.stop();
            dfs.shutdown();
            throw e;
        }
    }

    /**
     * One NodeManager big enough for an application master and one executor of the small sizes
     * the test asks for; the memory checks are off as JVM virtual sizes say nothing here.
     */
    private static YarnConfiguration yarnConf(Configuration base) {
        YarnConfiguration c = new YarnConfiguration(base);
        c.set(YarnConfiguration.RM_HOSTNAME, "127.0.0.1");
        c.set("yarn.nodemanager.hostname", "127.0.0.1");
        c.setInt(YarnConfiguration.NM_PMEM_MB, 6144);
        c.setInt(YarnConfiguration.NM_VCORES, 4);
        c.setInt(YarnConfiguration.RM_SCHEDULER_MINIMUM_ALLOCATION_MB, 128);
        c.setBoolean(YarnConfiguration.NM_PMEM_CHECK_ENABLED, false);
        c.setBoolean(YarnConfiguration.NM_VMEM_CHECK_ENABLED, false);
        c.set("yarn.nodemanager.disk-health-checker.max-disk-utilization-per-disk-percentage", "100.0");
        // The minicluster jar has no capacity-scheduler.xml: one queue, all of the cluster.
        c.set("yarn.scheduler.capacity.root.queues", "default");
        c.setInt("yarn.scheduler.capacity.root.default.capacity", 100);
        c.setInt("yarn.scheduler.capacity.root.default.maximum-capacity", 100);
        c.setFloat("yarn.scheduler.capacity.root.default.user-limit-factor", 1);
        c.set("yarn.scheduler.capacity.root.default.state", "RUNNING");
        c.set("yarn.scheduler.capacity.root.default.acl_submit_applications", "*");
        c.setInt("yarn.scheduler.capacity.node-locality-delay", -1);
        return c;
    }

    /** start() may return before the ResourceManager has put its real port into the configuration. */
    private static Configuration awaitRmAddress(MiniYARNCluster yarn) {
        Configuration live = yarn.getConfig();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (live.get(YarnConfiguration.RM_ADDRESS, "").endsWith(":0")) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the ResourceManager has no port after 30 s");
            }
            Driver.sleep(100);
        }
        return live;
    }

    /** core-site.xml (HDFS) and yarn-site.xml (the live YARN settings), as a cluster's HADOOP_CONF_DIR has them. */
    private static Path writeConf(Path dir, Configuration dfsConf, Configuration live) throws IOException {
        Files.createDirectories(dir);
        Configuration core = new Configuration(false);
        core.set(FileSystem.FS_DEFAULT_NAME_KEY, dfsConf.get(FileSystem.FS_DEFAULT_NAME_KEY));
        core.set("dfs.replication", "1");
        try (OutputStream out = Files.newOutputStream(dir.resolve("core-site.xml"))) {
            core.writeXml(out);
        }
        // Only YARN's own keys: the minicluster also sets test-only classes (a StaticMapping
        // network topology) that a Spark distribution does not have.
        Configuration yarnSite = new Configuration(false);
        for (var e : live) {
            if (e.getKey().startsWith("yarn.")) {
                yarnSite.set(e.getKey(), e.getValue());
            }
        }
        try (OutputStream out = Files.newOutputStream(dir.resolve("yarn-site.xml"))) {
            yarnSite.writeXml(out);
        }
        return dir;
    }

    Path confDir() {
        return confDir;
    }

    Path sparkHome() {
        return sparkHome;
    }

    FileSystem hdfs() throws IOException {
        return dfs.getFileSystem();
    }

    /** The host name under which HDFS names its one DataNode in block locations. */
    String dataNodeHost() {
        return dfs.getDataNodes().get(0).getDatanodeId().getHostName();
    }

    String hdfsUri(String path) throws IOException {
        return dfs.getFileSystem().getUri() + path;
    }

    /** IDs of every application YARN knows. */
    Set<ApplicationId> applications() {
        try {
            Set<ApplicationId> ids = new HashSet<>();
            for (ApplicationReport r : client.getApplications()) {
                ids.add(r.getApplicationId());
            }
            return ids;
        } catch (IOException | YarnException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The report of the one application submitted since {@code before}, once YARN has ended it
     * (in client mode the application master may still be unregistering when spark-submit exits).
     * Call it after spark-submit has exited.
     */
    ApplicationReport endedApplicationSince(Set<ApplicationId> before, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        try {
            while (true) {
                List<ApplicationReport> fresh = client.getApplications().stream()
                        .filter(r -> !before.contains(r.getApplicationId())).toList();
                if (fresh.size() != 1) {
                    // Called once spark-submit has ended: by then it has submitted its one application.
                    throw new AssertionError("expected one new YARN application, got " + fresh);
                }
                if (ENDED.contains(fresh.get(0).getYarnApplicationState())) {
                    return fresh.get(0);
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("no new YARN application ended within " + limit.toSeconds() + " s: " + fresh);
                }
                Driver.sleep(200);
            }
        } catch (IOException | YarnException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Where MiniYARNCluster keeps its NodeManager's folders, container logs included (Hadoop's test data folder). */
    static Path workDir() {
        return Path.of(System.getProperty("test.build.data", "target/test/data"), NAME).toAbsolutePath();
    }

    /** What the application master's container wrote to {@code stderr} (the driver's, in cluster mode). */
    String applicationMasterStderr(ApplicationId app) {
        Path logs = workDir();
        try (Stream<Path> files = Files.walk(logs)) {
            List<Path> hits = files.filter(p -> p.getFileName().toString().equals("stderr")
                            && p.getParent().getFileName().toString().endsWith("_000001")
                            && p.getParent().getParent().getFileName().toString().equals(app.toString()))
                    .toList();
            if (hits.size() != 1) {
                throw new AssertionError("expected one application master log of " + app + " under " + logs + ", got " + hits);
            }
            return Files.readString(hits.get(0), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        client.stop();
        yarn.stop();
        dfs.shutdown();
    }

    /**
     * A Spark distribution made of links: {@code jars/} from the test classpath less the test-only
     * jars, {@code bin/spark-submit}, and {@code conf/} with the settings this one-machine cluster needs.
     */
    static final class SparkHome {
        private static final List<String> TEST_ONLY = List.of(
                "hadoop-client-minicluster-", "junit-", "opentest4j-", "apiguardian-", "onnxruntime-");

        private SparkHome() {
        }

        static Path write(Path basedir, Path home) throws IOException {
            StandaloneClusterIT.deleteTree(home);
            Files.createDirectories(home.resolve("jars"));
            Files.createDirectories(home.resolve("bin"));
            Files.createDirectories(home.resolve("conf"));
            String classpath = Files.readString(basedir.resolve("target/test-classpath.txt"), StandardCharsets.UTF_8).trim();
            for (String entry : classpath.split(":")) {
                Path jar = Path.of(entry);
                String name = jar.getFileName().toString();
                if (name.endsWith(".jar") && TEST_ONLY.stream().noneMatch(name::startsWith)
                        && !Files.exists(home.resolve("jars").resolve(name))) {
                    Files.createSymbolicLink(home.resolve("jars").resolve(name), jar);
                }
            }
            Path submit = home.resolve("bin/spark-submit");
            Files.writeString(submit, SUBMIT, StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(submit, PosixFilePermissions.fromString("rwxr-xr-x"));
            String java = System.getProperty("java.home");
            Files.writeString(home.resolve("conf/spark-defaults.conf"), String.join("\n",
                    "# Written by YarnIT: the containers run on this machine, from these jars, on loopback.",
                    "spark.yarn.jars  local:" + home.resolve("jars") + "/*",
                    "spark.yarn.appMasterEnv.JAVA_HOME  " + java,
                    "spark.executorEnv.JAVA_HOME  " + java,
                    "spark.yarn.appMasterEnv.SPARK_LOCAL_IP  127.0.0.1",
                    "spark.executorEnv.SPARK_LOCAL_IP  127.0.0.1",
                    "spark.ui.enabled  false",
                    ""), StandardCharsets.UTF_8);
            Files.writeString(home.resolve("conf/log4j2.properties"), LOG4J, StandardCharsets.UTF_8);
            return home;
        }

        /**
         * Spark's launcher puts conf/ on the driver's classpath and ships log4j2.properties to the
         * containers: our progress lines, Spark's warnings and its YARN client's reports.
         */
        private static final String LOG4J = """
                rootLogger.level = warn
                rootLogger.appenderRef.stderr.ref = console
                appender.console.type = Console
                appender.console.name = console
                appender.console.target = SYSTEM_ERR
                appender.console.layout.type = PatternLayout
                appender.console.layout.pattern = %d{HH:mm:ss} %-5p %c{1}: %m%n%ex
                logger.digits.name = io.sparkdigits
                logger.digits.level = info
                logger.yarnclient.name = org.apache.spark.deploy.yarn.Client
                logger.yarnclient.level = info
                logger.native.name = org.apache.hadoop.util.NativeCodeLoader
                logger.native.level = error
                logger.csvheader.name = org.apache.spark.sql.catalyst.csv.CSVHeaderChecker
                logger.csvheader.level = error
                """;

        /**
         * What a distribution's bin/spark-class does: Spark's launcher prints the driver's command
         * line (NUL-separated, from spark-defaults.conf, --driver-memory and the Java module
         * options), and this shell runs it.
         */
        private static final String SUBMIT = """
                #!/usr/bin/env bash
                # Written by YarnIT: bin/spark-submit of a Spark distribution made of Maven's jars.
                set -euo pipefail
                export SPARK_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
                export SPARK_SCALA_VERSION=2.13
                java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
                # The launcher prints messages, a NUL, then the command NUL-separated; its exit code follows.
                cmd=()
                {
                  IFS= read -r -d '' messages || true
                  [[ -z "$messages" ]] || printf '%s\\n' "$messages" >&2
                  while IFS= read -r -d '' part; do
                    cmd+=("$part")
                  done
                } < <("$java_bin" -Xmx128m -cp "$SPARK_HOME/jars/*" org.apache.spark.launcher.Main \\
                        org.apache.spark.deploy.SparkSubmit "$@"; printf '%d\\0' $?)
                code="${cmd[${#cmd[@]}-1]}"
                unset 'cmd[${#cmd[@]}-1]'
                [[ "$code" == 0 && ${#cmd[@]} -gt 0 ]] || exit "${code/#0/1}"
                cmd[0]="${cmd[0]#$'\\n'}"
                exec "${cmd[@]}"
                """;
    }
}
