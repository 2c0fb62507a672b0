package io.sparkdigits.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EvaluationReportTest {
    private static final double EPS = 1e-12;
    private static final ObjectMapper JSON = new ObjectMapper();

    private static EvaluationReport example() {
        return new EvaluationReport(ConfusionMatrixTest.example(), 11.0, 22);
    }

    @Test
    void summaryAndMacroAverages() {
        EvaluationReport r = example();
        assertEquals(15.0 / 22, r.accuracy(), EPS);
        assertEquals(0.5, r.meanLoss(), EPS);
        assertEquals((5.0 / 8 + 6.0 / 9 + 4.0 / 5) / 3, r.macroPrecision(), EPS);
        assertEquals((5.0 / 8 + 6.0 / 7 + 4.0 / 7) / 3, r.macroRecall(), EPS);
        assertEquals((5.0 / 8 + 0.75 + 2.0 / 3) / 3, r.macroF1(), EPS);
    }

    /**
     * Labels numbered from 1 leave class 0 empty: it must not count in the macro averages, while a
     * class the data lacks but the model predicts does (its precision is 0).
     */
    @Test
    void macroAveragesLeaveOutAClassThatNeitherOccursNorIsPredicted() {
        ConfusionMatrix shifted = new ConfusionMatrix(4);
        for (int a = 0; a < 3; a++) {
            for (int p = 0; p < 3; p++) {
                for (long i = 0; i < ConfusionMatrixTest.COUNTS[a][p]; i++) {
                    shifted.add(a + 1, p + 1);
                }
            }
        }
        EvaluationReport r = new EvaluationReport(shifted, 11.0, 22);
        EvaluationReport plain = example();
        assertEquals(plain.macroPrecision(), r.macroPrecision(), EPS);
        assertEquals(plain.macroRecall(), r.macroRecall(), EPS);
        assertEquals(plain.macroF1(), r.macroF1(), EPS);

        String table = r.toTable();
        assertTrue(table.lines().anyMatch(l -> words(l).equals(List.of("0", "-", "-", "-", "0"))),
                "the absent class shows dashes, as the averages leave it out:\n" + table);
        assertEquals(3, r.toMap().get("macroClasses"));

        shifted.add(1, 0);
        EvaluationReport predicted = new EvaluationReport(shifted, 11.0, 23);
        assertEquals((5.0 / 8 + 6.0 / 9 + 4.0 / 5 + 0) / 4, predicted.macroPrecision(), EPS,
                "class 0, predicted once and never right, counts with precision 0");
    }

    @Test
    void rowsMustMatchTheMatrix() {
        assertThrows(IllegalArgumentException.class, () -> new EvaluationReport(ConfusionMatrixTest.example(), 1, 21));
    }

    @Test
    void jsonParsesBackWithTheSameNumbers() throws Exception {
        EvaluationReport r = example();
        JsonNode json = JSON.readTree(r.toJson());
        // Leads the report, so a later evaluate recognises its own file before replacing it.
        assertEquals("format", json.fieldNames().next());
        assertEquals("spark-digits-evaluation", json.get("format").asText());
        assertEquals(22, json.get("rows").asLong());
        assertEquals(r.accuracy(), json.get("accuracy").asDouble(), 0);
        assertEquals(r.meanLoss(), json.get("meanLoss").asDouble(), 0);
        assertEquals(r.macroPrecision(), json.get("macroPrecision").asDouble(), 0);
        assertEquals(r.macroRecall(), json.get("macroRecall").asDouble(), 0);
        assertEquals(r.macroF1(), json.get("macroF1").asDouble(), 0);
        ConfusionMatrix cm = r.confusionMatrix();
        for (int c = 0; c < 3; c++) {
            JsonNode k = json.get("perClass").get(c);
            assertEquals(c, k.get("class").asInt());
            assertEquals(cm.precision(c), k.get("precision").asDouble(), 0);
            assertEquals(cm.recall(c), k.get("recall").asDouble(), 0);
            assertEquals(cm.f1(c), k.get("f1").asDouble(), 0);
            assertEquals(cm.support(c), k.get("support").asLong());
            assertEquals(cm.predicted(c), k.get("predicted").asLong());
            for (int p = 0; p < 3; p++) {
                assertEquals(ConfusionMatrixTest.COUNTS[c][p], json.get("confusionMatrix").get(c).get(p).asLong());
            }
        }
        assertTrue(r.toJson().contains("\n"), "pretty-printed");
    }

    @Test
    void tableContainsSummaryMatrixAndPerClassRows() {
        String table = example().toTable();
        List<String> lines = table.lines().toList();
        assertTrue(lines.contains("accuracy      0.6818 (68.18%)"), table);
        assertTrue(lines.contains("mean loss     0.5000"), table);
        int header = lines.indexOf("confusion matrix (rows: actual, columns: predicted)");
        assertTrue(header >= 0, table);
        assertEquals(List.of("actual\\pred", "0", "1", "2"), words(lines.get(header + 1)));
        for (int a = 0; a < 3; a++) {
            long[] row = ConfusionMatrixTest.COUNTS[a];
            assertEquals(List.of(String.valueOf(a), String.valueOf(row[0]), String.valueOf(row[1]), String.valueOf(row[2])),
                    words(lines.get(header + 2 + a)));
        }
        assertTrue(lines.stream().anyMatch(l -> words(l).equals(List.of("1", "0.6667", "0.8571", "0.7500", "7"))), table);
        assertTrue(lines.stream().anyMatch(l -> words(l).get(0).equals("macro")), table);
    }

    @Test
    void emptyAndDivergedReportsStayPrintable() throws Exception {
        EvaluationReport empty = new EvaluationReport(new ConfusionMatrix(10), 0, 0);
        assertEquals(0, empty.accuracy());
        assertEquals(0, empty.meanLoss());
        assertEquals(0, JSON.readTree(empty.toJson()).get("macroF1").asDouble());
        assertTrue(empty.toTable().contains("rows          0"));

        ConfusionMatrix cm = new ConfusionMatrix(2);
        cm.add(0, 1);
        EvaluationReport diverged = new EvaluationReport(cm, Double.NaN, 1);
        assertTrue(Double.isNaN(JSON.readTree(diverged.toJson()).get("meanLoss").asDouble()));
    }

    private static List<String> words(String line) {
        return Arrays.asList(line.trim().split("\\s+"));
    }
}
