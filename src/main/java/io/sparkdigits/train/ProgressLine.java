package io.sparkdigits.train;

import java.io.PrintStream;
import java.util.Locale;

/**
 * The updating progress line of a training run on a terminal: the current epoch's steps, pace,
 * batch loss and time left, rewritten in place with a carriage return at most a few times a
 * second, and wiped before the epoch's log line is written. Off a terminal (logs, CI) it writes
 * nothing, so logs keep one plain line per epoch and no control characters.
 */
public final class ProgressLine {
    /** Redraws are cheap, but a terminal flooded by a fast run flickers and slows the driver. */
    private static final long REDRAW_NANOS = 100_000_000L;

    private final PrintStream out;
    private final boolean enabled;
    private long lastDraw;
    private int drawnWidth;

    /** @param enabled whether {@code out} is a terminal (see {@link #onTerminal()}) */
    public ProgressLine(PrintStream out, boolean enabled) {
        this.out = out;
        this.enabled = enabled;
    }

    /**
     * Whether this JVM writes to a terminal that understands a carriage return: Java 17's
     * {@code System.console()} exists only when standard input and output are both terminals, and
     * {@code TERM=dumb} (Emacs shells, some CI consoles) cannot redraw a line.
     */
    public static boolean onTerminal() {
        return System.console() != null && !"dumb".equals(System.getenv("TERM"));
    }

    /** Redraws the line for {@code s}, unless it was drawn very recently and the epoch is not done. */
    public void step(StepStats s) {
        long now = System.nanoTime();
        if (!enabled || (now - lastDraw < REDRAW_NANOS && s.step() < s.steps())) {
            return;
        }
        lastDraw = now;
        String line = text(s);
        out.print("\r" + line + " ".repeat(Math.max(0, drawnWidth - line.length())));
        out.flush();
        drawnWidth = line.length();
    }

    /** Wipes the line, so what is written next starts on a clean line. */
    public void clear() {
        if (enabled && drawnWidth > 0) {
            out.print("\r" + " ".repeat(drawnWidth) + "\r");
            out.flush();
            drawnWidth = 0;
        }
    }

    /** {@code epoch 3/15  step 12/29  41,200 samples/s  loss 0.1234  ETA 0:07}. */
    static String text(StepStats s) {
        long eta = Math.round(s.etaSeconds());
        return String.format(Locale.ROOT, "epoch %d/%d  step %d/%d  %,.0f samples/s  loss %.4f  ETA %d:%02d",
                s.epoch(), s.epochs(), s.step(), s.steps(), s.samplesPerSecond(), s.loss(), eta / 60, eta % 60);
    }
}
