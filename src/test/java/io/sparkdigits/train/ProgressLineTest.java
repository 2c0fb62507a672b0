package io.sparkdigits.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressLineTest {
    private static StepStats step(int step) {
        return new StepStats(3, 15, step, 29, 0.12345, 0.9, 0.001, step * 2048L, step * 0.05);
    }

    @Test
    void saysWhereTheEpochIsAndWhatIsLeft() {
        // 12 of 29 steps in 0.6 s: 40,960 samples/s, 17 steps left at 0.05 s each.
        assertEquals("epoch 3/15  step 12/29  40,960 samples/s  loss 0.1235  ETA 0:01", ProgressLine.text(step(12)));
    }

    @Test
    void onATerminalTheLineIsRedrawnInPlaceAndWipedAtTheEnd() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ProgressLine line = new ProgressLine(new PrintStream(bytes, true, StandardCharsets.UTF_8), true);
        line.step(step(1));
        line.step(step(2)); // within the redraw interval: skipped
        line.step(step(29)); // the epoch's last step is always drawn
        line.clear();
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(4, out.chars().filter(c -> c == '\r').count(), out);
        assertTrue(out.startsWith("\r" + ProgressLine.text(step(1))), out);
        assertTrue(out.contains("\r" + ProgressLine.text(step(29))), out);
        assertTrue(out.endsWith("\r"), out);
        assertTrue(!out.contains("\n"), "one line, never a new one: " + out);
    }

    @Test
    void offATerminalNothingIsWritten() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ProgressLine line = new ProgressLine(new PrintStream(bytes, true, StandardCharsets.UTF_8), false);
        line.step(step(1));
        line.step(step(29));
        line.clear();
        assertEquals(0, bytes.size());
    }
}
