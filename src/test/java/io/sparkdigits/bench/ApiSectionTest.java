package io.sparkdigits.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The api section's arithmetic and table rows, without Spark. */
class ApiSectionTest {
    private static final ApiSection.Fit MLPC = new ApiSection.Fit("MLPC 784-128-64-10 L-BFGS maxIter 200", 180, 0.975);

    @Test
    void medianTakesTheMiddlePassWhateverTheOrder() {
        assertEquals(2.0, ApiSection.median(new double[] {9.0, 2.0, 1.0}));
        assertEquals(2.5, ApiSection.median(new double[] {3.0, 1.0, 2.0, 4.0}));
        assertEquals(7.0, ApiSection.median(new double[] {7.0}));
        assertThrows(IllegalArgumentException.class, () -> ApiSection.median(new double[0]));
    }

    @Test
    void bestFitIsTheMostAccurateThenTheFaster() {
        ApiSection.Fit slow = new ApiSection.Fit("a", 90, 0.97);
        ApiSection.Fit fast = new ApiSection.Fit("b", 60, 0.97);
        ApiSection.Fit worse = new ApiSection.Fit("c", 10, 0.96);
        assertSame(fast, ApiSection.best(List.of(slow, worse, fast)));
        assertSame(MLPC, ApiSection.best(List.of(slow, MLPC, fast)));
    }

    @Test
    void ratiosDivideMlpcByOursAndUseTheMedianPass() {
        ApiSection.Fit ours = new ApiSection.Fit("default preset, 4 epochs", 6, 0.976);
        Report report = new Report();
        ApiSection.report(report.part("api"), new ApiSection.Figures(MLPC, ours, 60_000,
                new double[] {6.0, 5.0, 60.0}, new double[] {0.5, 1.0, 0.2}), List.of(ours));
        List<Report.Row> rows = report.rows();
        assertEquals(4, rows.size());
        assertEquals("97.50% in 180.0 s", rows.get(0).mllib());
        assertEquals("97.60% in 6.00 s", rows.get(1).ours());
        Report.Row fit = rows.get(2);
        assertEquals("Pipeline.fit s to MLPC's best test acc (97.50%)", fit.figure());
        assertEquals("30.0x", fit.ratio());
        assertEquals(true, fit.met());
        Report.Row transform = rows.get(3);
        assertEquals("transform 60,000 cached vectors -> noop, rows/s (warm, median of 3)", transform.figure());
        assertEquals("120,000/s", transform.ours());
        assertEquals("10,000/s", transform.mllib());
        assertEquals("12.0x", transform.ratio());
        assertEquals(true, transform.met());
    }

    @Test
    void targetsMissedOrNotReachedSayNo() {
        ApiSection.Fit short1 = new ApiSection.Fit("default preset, 2 epochs", 3, 0.96);
        Report report = new Report();
        ApiSection.report(report.part("api"), new ApiSection.Figures(MLPC, null, 60_000,
                new double[] {1, 1, 1}, new double[] {0.25, 0.25, 0.25}), List.of(short1));
        List<Report.Row> rows = report.rows();
        assertEquals("not reached", rows.get(2).ours());
        assertEquals(false, rows.get(2).met());
        assertEquals("4.00x", rows.get(3).ratio());
        assertEquals(false, rows.get(3).met());
    }

    @Test
    void apiIsASectionOfItsOwn() {
        BenchOptions o = BenchOptions.parse(new String[] {"--sections", "api"});
        assertEquals(List.of("api"), o.sections());
        assertEquals(BenchOptions.SECTIONS.size(), Bench.sections().size());
        assertEquals(BenchOptions.SECTIONS, Bench.sections().stream().map(Section::name).toList());
    }
}
