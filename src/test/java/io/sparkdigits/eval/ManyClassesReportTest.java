package io.sparkdigits.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What evaluate shows of 47 and 1,000 classes: bounded output, the whole in JSON. */
class ManyClassesReportTest {
    /** Every class right 9 times; class c mistaken for c + 1 c % 7 times. */
    static ConfusionMatrix matrix(int k) {
        ConfusionMatrix cm = new ConfusionMatrix(k);
        for (int c = 0; c < k; c++) {
            for (int i = 0; i < 9; i++) {
                cm.add(c, c);
            }
            for (int i = 0; i < c % 7; i++) {
                cm.add(c, (c + 1) % k);
            }
        }
        return cm;
    }

    @Test
    void mostConfusedPairsComeByCountThenClass() {
        List<ConfusionMatrix.Cell> top = matrix(47).mostConfused(3);
        assertEquals(List.of(new ConfusionMatrix.Cell(6, 7, 6), new ConfusionMatrix.Cell(13, 14, 6),
                new ConfusionMatrix.Cell(20, 21, 6)), top);
        assertTrue(new ConfusionMatrix(3).mostConfused(5).isEmpty());
    }

    @Test
    void fortySevenClassesListEveryClassButNotTheMatrix() {
        EvaluationReport r = new EvaluationReport(matrix(47), 1.0, matrix(47).total());
        String table = r.toTable();
        assertTrue(table.contains("most confused pairs (47 classes"), table);
        assertFalse(table.contains("actual\\pred"), table);
        assertTrue(table.lines().anyMatch(l -> l.startsWith("46 ")), table);
        Map<String, Object> m = r.toMap();
        assertEquals(47, ((List<?>) m.get("confusionMatrix")).size());
        assertEquals(EvaluationReport.TOP, ((List<?>) m.get("mostConfused")).size());
    }

    /**
     * Classes 0..99 of a 1,000-class model neither in the data nor predicted: the table's classes
     * of lowest F1 are taken from the 900 that occur, not filled with the absent ones' zeros.
     */
    @Test
    void theLowestF1AreOfClassesThatOccur() {
        ConfusionMatrix cm = new ConfusionMatrix(1000);
        for (int c = 100; c < 1000; c++) {
            for (int i = 0; i < 9; i++) {
                cm.add(c, c);
            }
            for (int i = 0; i < c % 7; i++) {
                cm.add(c, c == 999 ? 100 : c + 1);
            }
        }
        assertEquals(900, cm.occurring());
        String table = new EvaluationReport(cm, 1.0, cm.total()).toTable();
        List<String> listed = table.lines().dropWhile(l -> !l.startsWith("the 20 classes of lowest F1"))
                .filter(l -> l.matches("\\d+ .*")).toList();
        assertEquals(EvaluationReport.TOP, listed.size(), table);
        for (String l : listed) {
            assertTrue(Integer.parseInt(l.split(" ")[0]) >= 100, "an absent class is listed: " + l);
        }
    }

    /** A 62-class model (EMNIST's byclass) scored on digits only: the ten classes that occur are listed. */
    @Test
    void aFewClassesOfAManyClassModelAreAllListed() {
        ConfusionMatrix cm = new ConfusionMatrix(62);
        for (int c = 0; c < 10; c++) {
            cm.add(c, c);
            cm.add(c, (c + 1) % 10);
        }
        String table = new EvaluationReport(cm, 1.0, cm.total()).toTable();
        assertTrue(table.contains("the 10 classes in the data or its predictions (all 62"), table);
        assertEquals(10, table.lines().filter(l -> l.matches("\\d+ .*")).count(), table);
    }

    @Test
    void aThousandClassesKeepTheTableShortAndTheJsonSparse() {
        ConfusionMatrix cm = matrix(1000);
        EvaluationReport r = new EvaluationReport(cm, 1.0, cm.total());
        String table = r.toTable();
        assertTrue(table.lines().count() < 60, table.lines().count() + " lines");
        assertTrue(table.contains("the 20 classes of lowest F1 (all 1000"), table);
        Map<String, Object> m = r.toMap();
        assertFalse(m.containsKey("confusionMatrix"));
        List<?> cells = (List<?>) m.get("confusionCells");
        long nonZero = 1000 + java.util.stream.IntStream.range(0, 1000).filter(c -> c % 7 != 0).count();
        assertEquals(nonZero, cells.size());
        assertEquals(1000, ((List<?>) m.get("perClass")).size());
        assertTrue(r.toJson().length() < 2_000_000, "JSON of " + r.toJson().length() + " chars");
    }
}
