package io.sparkdigits.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkdigits.cli.UsageException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bench's command line and report, without Spark. */
class ReportTest {
    @TempDir
    Path dir;

    @Test
    void optionsDefaultToTheFullRunAndQuickShrinksMllib() {
        BenchOptions full = BenchOptions.parse(new String[0]);
        assertEquals("local[2]", full.master());
        assertArrayEquals(new int[] {100, 200}, full.mllibIters());
        assertArrayEquals(new int[] {128, 64}, full.hidden());
        assertEquals(BenchOptions.DEFAULT_SECTIONS, full.sections());
        assertFalse(full.runs("scale"), "scale runs only when asked: hours and 35 GB at full size");
        assertEquals(10_000_000L, full.scaleRows());
        BenchOptions scale = BenchOptions.parse(new String[] {"--scale", "--scale-rows", "200000"});
        assertEquals(List.of("scale"), scale.sections());
        assertEquals(200_000L, scale.scaleRows());
        assertThrows(UsageException.class, () -> BenchOptions.parse(new String[] {"--scale", "--sections", "load"}));
        assertThrows(UsageException.class, () -> BenchOptions.parse(new String[] {"--scale-rows", "10"}));
        BenchOptions quick = BenchOptions.parse(new String[] {"--quick", "--sections", "linear,load"});
        assertArrayEquals(new int[] {5, 10}, quick.mllibIters());
        assertEquals(List.of("load", "linear"), quick.sections(), "sections run in their fixed order");
        assertNull(BenchOptions.parse(new String[] {"--help"}));
        assertThrows(UsageException.class, () -> BenchOptions.parse(new String[] {"--sections", "load,kernel"}));
    }

    @Test
    void tableAlignsColumnsAndJsonHoldsRowsAndDetails() throws Exception {
        Report report = new Report();
        report.header("options", "x");
        Report.Part load = report.part("load");
        load.row("rows/s", "60,000/s", "6,000/s", "10.0x", ">= 7x", true);
        load.row("bytes per pixel", "1.001", "2.454", "2.45x", "<= 1.1", false);
        load.detail("rows", 60_000);
        report.part("machine").row("cores", "2");

        List<String> lines = report.table().lines().toList();
        assertEquals(5, lines.size());
        int ours = lines.get(0).indexOf(" | ours");
        for (String line : lines) {
            assertEquals(ours, line.indexOf(" | ", line.indexOf(" | ") + 1), "columns line up: " + line);
        }
        assertTrue(lines.get(2).endsWith("| yes"));
        assertTrue(lines.get(3).endsWith("| NO"));

        Path file = report.write(dir, "20260101-000000");
        JsonNode json = new ObjectMapper().readTree(file.toFile());
        assertEquals(Files.readString(file), Files.readString(dir.resolve("latest.json")));
        assertEquals(3, json.get("table").size());
        assertEquals("2.454", json.get("table").get(1).get("mllib").asText());
        assertTrue(json.get("table").get(2).get("met").isNull());
        assertEquals(60_000, json.get("details").get("load").get("rows").asInt());
    }
}
