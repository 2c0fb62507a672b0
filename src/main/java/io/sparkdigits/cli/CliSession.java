package io.sparkdigits.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Set;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * The session a command runs in, started the short way.
 *
 * <p>Two parts of Spark's usual {@code SparkSession.builder().getOrCreate()} buy a command nothing,
 * and each builds Scala's runtime universe, about a second of a cold start on 2 cores (whichever
 * comes first pays it):
 * <ul>
 *   <li>The API's builder finds the session's implementation (classic or Connect) by Scala
 *       reflection. The classic implementation's own builder does not ask (so
 *       {@code spark.api.mode} and {@code spark.remote} do not apply to a command).</li>
 *   <li>Every session applies the session extensions that jars on the class path declare as
 *       services. spark-mllib, on the class path for the {@code spark.ml} API and vector
 *       columns, declares one that registers the SQL functions {@code vector_to_array},
 *       {@code array_to_vector} and {@code aggregate_metrics}, deriving their encoders by that
 *       reflection. Without it those names do not resolve: {@code org.apache.spark.ml.functions}
 *       and {@code OneVsRestModel} use them, and Spark Connect clients. No command does
 *       ({@code CliSessionTest} checks our sources), so the session is built with the thread's
 *       context class loader hiding exactly that declaration (extensions named by
 *       {@code spark.sql.extensions} are applied as always).</li>
 * </ul>
 * The threads that the session's context starts inherit the hiding loader as their context class
 * loader (and the local executor's class loader has it as its parent); it loads every class and
 * finds every other resource through its parent, so they see the same classes as before.
 */
final class CliSession {
    /** The service declarations that session extensions are found by. */
    static final String EXTENSIONS = "META-INF/services/org.apache.spark.sql.SparkSessionExtensionsProvider";
    /** MLlib's extension, declared alone in its jar's file. */
    static final Set<String> SKIPPED = Set.of("org.apache.spark.sql.ml.InternalFunctionRegistration");

    private CliSession() {
    }

    /** A session on {@code conf}: the running one if there is one. */
    static SparkSession start(SparkConf conf) {
        Thread thread = Thread.currentThread();
        ClassLoader loader = thread.getContextClassLoader();
        thread.setContextClassLoader(new Hiding(loader != null ? loader : CliSession.class.getClassLoader()));
        try {
            return org.apache.spark.sql.classic.SparkSession.builder().config(conf).getOrCreate();
        } finally {
            thread.setContextClassLoader(loader);
        }
    }

    /**
     * Its parent, but for the extension declarations that name only {@link #SKIPPED} providers: a
     * declaration that names any other provider is kept whole.
     */
    static final class Hiding extends ClassLoader {
        static {
            // Task threads load classes through it (the local executor's loader is its child):
            // a lock per class name, as its parent takes, not one for the whole loader.
            registerAsParallelCapable();
        }

        Hiding(ClassLoader parent) {
            super(parent);
        }

        @Override
        public Enumeration<URL> getResources(String name) throws IOException {
            Enumeration<URL> all = super.getResources(name);
            if (!EXTENSIONS.equals(name)) {
                return all;
            }
            List<URL> kept = new ArrayList<>();
            for (URL url : Collections.list(all)) {
                List<String> named = providers(url);
                if (named.isEmpty() || !SKIPPED.containsAll(named)) {
                    kept.add(url);
                }
            }
            return Collections.enumeration(kept);
        }

        /** The provider classes a declaration names: its lines without comments and blanks. */
        static List<String> providers(URL url) throws IOException {
            List<String> names = new ArrayList<>();
            try (InputStream in = url.openStream();
                 BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    int hash = line.indexOf('#');
                    String name = (hash >= 0 ? line.substring(0, hash) : line).trim();
                    if (!name.isEmpty()) {
                        names.add(name);
                    }
                }
            }
            return names;
        }
    }
}
