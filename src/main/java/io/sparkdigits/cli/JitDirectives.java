package io.sparkdigits.cli;

import java.lang.management.ManagementFactory;
import javax.management.JMException;
import javax.management.ObjectName;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Adds a file of compiler directives to this JVM, as {@code jcmd PID Compiler.directives_add FILE}
 * would: the launcher names {@code conf/jit-directives.json}, which keeps the optimising compiler
 * (C2) off code that only runs while classes and jobs are set up, and {@code Main} adds it before
 * a local run's session starts (docs/performance.md says what it saves a cold run).
 *
 * <p>Why not {@code -XX:CompilerDirectivesFile}: that option needs
 * {@code -XX:+UnlockDiagnosticVMOptions} and makes the JVM print "1 compiler directives added" on
 * standard output before anything else, in every command's output; the diagnostic command returns
 * its message instead, on Java 17 and 25 alike and without unlocking anything. A JVM that cannot
 * take the file runs without it: slower to warm up, nothing else.
 */
final class JitDirectives {
    /** The system property the launcher sets to the file's path. */
    static final String PROPERTY = "spark.digits.jitDirectives";
    private static final Logger LOG = LogManager.getLogger(JitDirectives.class);
    private static final String COMMANDS = "com.sun.management:type=DiagnosticCommand";

    private JitDirectives() {
    }

    /** Adds the directives of {@link #PROPERTY}'s file, if it is set; whether they were added. */
    static boolean addFromProperty() {
        String file = System.getProperty(PROPERTY);
        return file != null && !file.isBlank() && add(file);
    }

    /**
     * Adds the directives of {@code file}; false if the JVM did not take them, with a warning if it
     * refused the file (a JVM without the command is only a debug line).
     */
    static boolean add(String file) {
        // The command joins its arguments and splits them again at spaces: quoted, a path keeps its spaces.
        String reply = command("compilerDirectivesAdd", "\"" + file + "\"");
        boolean added = reply != null && reply.matches("(?s)\\s*[1-9]\\d* compiler directives added.*");
        if (!added && reply != null) {
            LOG.warn("compiler directives of {} not added (the run is only slower to warm up): {}", file, reply.strip().replaceAll("\\s+", " "));
        }
        return added;
    }

    /** Removes the directives added last (what tests that add some must do afterwards). */
    static void removeLast() {
        command("compilerDirectivesRemove");
    }

    /**
     * The reply of the JVM's diagnostic command {@code operation} ({@code compilerDirectivesPrint}
     * shows the directives in force), or null if it could not be run.
     */
    static String command(String operation, String... args) {
        try {
            Object reply = ManagementFactory.getPlatformMBeanServer().invoke(new ObjectName(COMMANDS), operation,
                    new Object[] {args}, new String[] {String[].class.getName()});
            return String.valueOf(reply);
        } catch (JMException | RuntimeException e) {
            LOG.debug("diagnostic command {} failed", operation, e);
            return null;
        }
    }
}
