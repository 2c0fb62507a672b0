package io.sparkdigits.cli;

import io.sparkdigits.data.BadInputException;
import io.sparkdigits.data.BadRows;
import io.sparkdigits.model.ModelFormatException;
import io.sparkdigits.model.OutputExistsException;
import io.sparkdigits.train.DivergedException;
import io.sparkdigits.train.EpochJob;
import io.sparkdigits.train.JobTimeoutException;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkException;
import org.apache.spark.sql.SparkSession;

/**
 * Entry point of {@code spark-submit --class io.sparkdigits.cli.Main app.jar COMMAND [options]}.
 * Exit codes: 0 done, 1 the job failed, 2 the command line or the input cannot be used. Every
 * failure the user can fix is one line on stderr; the master always comes from spark-submit.
 */
public final class Main {
    private static final List<Command> COMMANDS = List.of(
            new TrainCommand(), new EvaluateCommand(), new ReportCommand(), new PredictCommand(),
            new ConvertIdxCommand(), new ExportCommand());

    private Main() {
    }

    public static void main(String[] args) {
        int code = run(args, null);
        if (code != 0) {
            System.exit(code);
        }
    }

    /**
     * Runs a command. With {@code spark == null} a session is created from the submit
     * configuration and stopped at the end; a given session is used and left running (tests).
     */
    public static int run(String[] args, SparkSession spark) {
        PrintStream err = System.err;
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
            System.out.print(usage());
            return args.length == 0 ? 2 : 0;
        }
        Command command = COMMANDS.stream().filter(c -> c.name().equals(args[0])).findFirst().orElse(null);
        if (command == null) {
            err.println("spark-digits: unknown command '" + args[0] + "' (expected train, evaluate, report, predict, convert-idx or export)");
            return 2;
        }
        Options options = command.options();
        try {
            if (!options.parse(Arrays.copyOfRange(args, 1, args.length))) {
                System.out.print(options.usage());
                return 0;
            }
            command.check(options);
        } catch (UsageException e) {
            err.println("spark-digits " + command.name() + ": " + e.getMessage());
            if (e.pointsToHelp()) {
                err.println("Run 'spark-digits " + command.name() + " --help' for the options.");
            }
            return 2;
        }
        return execute(command, options, spark, err);
    }

    private static int execute(Command command, Options options, SparkSession given, PrintStream err) {
        SparkSession spark = given;
        Shutdown.Hold hold = null;
        int code = 1;
        try {
            if (spark == null && command.needsSpark()) {
                SparkConf conf = defaults().setAppName("spark-digits " + command.name());
                boolean local = LocalBinding.isLocal(conf.get("spark.master", null));
                hold = Shutdown.holdExit(local); // a signal stops Spark under the command: let it say so
                if (local) {
                    JitDirectives.addFromProperty(); // a cold start is what a local run waits for
                }
                spark = CliSession.start(conf);
                LocalBinding.announceUi(spark, err);
            }
            code = command.run(options, spark);
        } catch (UsageException e) {
            err.println("spark-digits " + command.name() + ": " + e.getMessage());
            code = 2;
        } catch (Exception e) {
            if (Shutdown.inProgress()) {
                // Spark's own shutdown hook stopped the session under the command; what reaches us
                // is a page about calling a stopped context, with stack traces in its message.
                err.println("spark-digits " + command.name() + ": stopped: the JVM is shutting down (Ctrl-C, a signal"
                        + " such as SIGTERM, or an exit elsewhere; the log above may say why) before the command finished");
                code = 1;
            } else if (spark != null && spark.sparkContext().isStopped()) {
                // Spark stopped the application itself, e.g. when no master answered ("All masters
                // are unresponsive"); what reaches us is only a symptom such as "LiveListenerBus is stopped".
                err.println("spark-digits " + command.name() + ": error: Spark stopped the application ("
                        + firstLine(e.getMessage()) + "); its log above says why, e.g. 'All masters are unresponsive'");
                code = 1;
            } else {
                code = report(command, e, err);
            }
        } finally {
            try {
                if (given == null && spark != null) {
                    // The exit code goes to the cluster manager: on YARN in client mode it decides
                    // whether the application is recorded as SUCCEEDED or FAILED.
                    spark.sparkContext().stop(code);
                    spark.stop();
                }
            } finally {
                if (hold != null) {
                    hold.close();
                }
            }
        }
        return code;
    }

    /**
     * Settings this job is better with, unless the user chose otherwise: every step broadcasts the
     * weights, random floats that compression only slows down; a local run listens on loopback
     * only ({@link LocalBinding}), writes its broadcasts in small pieces and runs an epoch of
     * training as one job ({@link EpochJob}).
     */
    static SparkConf defaults() {
        return defaults(new SparkConf());
    }

    /** {@link #defaults()} applied to {@code conf}, whose master says whether the run is local; also the bench's. */
    public static SparkConf defaults(SparkConf conf) {
        conf.setIfMissing("spark.broadcast.compress", "false");
        if (LocalBinding.isLocal(conf.get("spark.master", null))) {
            // Every job broadcasts its task binary, and a broadcast is written into pieces of this
            // size, allocated whole: 4 MB a step by default for a few kilobytes. A local master's
            // steps broadcast nothing else (their weights stay in memory unless
            // spark.digits.localWeights is false), and nobody fetches the pieces.
            conf.setIfMissing("spark.broadcast.blockSize", LOCAL_BROADCAST_BLOCK);
            // The command owns its session, so an epoch's tasks can hold every thread of it.
            conf.setIfMissing(EpochJob.CONF, "true");
        }
        LocalBinding.apply(conf);
        return conf;
    }

    /** {@code spark.broadcast.blockSize} of local runs. */
    static final String LOCAL_BROADCAST_BLOCK = "64k";

    /** A message's first line: Spark appends stack traces to some, after a line break. */
    static String firstLine(String message) {
        return message == null ? null : message.lines().findFirst().orElse("").strip();
    }

    /** One line for errors the user can act on; the trace too for anything unexpected. */
    private static int report(Command command, Exception e, PrintStream err) {
        String prefix = "spark-digits " + command.name() + ": error: ";
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof BadInputException || c instanceof ModelFormatException
                    || c instanceof java.io.FileNotFoundException || c instanceof java.nio.file.FileSystemException
                    || c instanceof io.sparkdigits.data.IdxFormatException || c instanceof OutputExistsException
                    || c instanceof io.sparkdigits.export.UnsupportedModelException) {
                err.println(prefix + c.getMessage());
                return 2;
            }
            if (c instanceof DivergedException || c instanceof JobTimeoutException) {
                err.println(prefix + c.getMessage());
                return 1;
            }
        }
        if (BadRows.find(e) != null) {
            err.println(prefix + BadRows.find(e).getMessage());
            return 2;
        }
        String aborted = abortedJob(e);
        if (aborted != null) {
            // Spark has already logged the task failures; its message is a page with the driver's
            // stack trace appended, of which the first line says what failed where.
            err.println(prefix + "a Spark job failed: " + aborted + " (the Spark log above and the executor logs say more)");
            return 1;
        }
        err.println(prefix + e.getMessage());
        e.printStackTrace(err);
        return 1;
    }

    /** The first line of a "Job aborted" SparkException in {@code e}'s causes, or null. */
    static String abortedJob(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            String m = c.getMessage();
            if (c instanceof SparkException && m != null && m.startsWith("Job aborted")) {
                return firstLine(m);
            }
        }
        return null;
    }

    static String usage() {
        return """
                Usage: spark-digits COMMAND [options]     (submit/spark-digits [spark-submit options] COMMAND ...)

                Commands:
                  train        train a network on labeled CSV data and save the model
                  evaluate     accuracy, loss, confusion matrix and per-class metrics of a model on labeled data
                  report       an HTML report of a model on labeled data: curves, confusion heatmap, mistakes
                  predict      score CSV rows with a model and write predictions (CSV or Parquet)
                  convert-idx  convert MNIST IDX files to the mnist-in-csv layout
                  export       write a model as an ONNX file for serving runtimes (no Spark needed)

                Run 'spark-digits COMMAND --help' for a command's options.
                """;
    }
}
