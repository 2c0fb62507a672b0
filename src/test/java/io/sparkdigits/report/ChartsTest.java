package io.sparkdigits.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sparkdigits.eval.ConfusionMatrix;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Which classes the per-class bars show. */
class ChartsTest {

    @Test
    void classesNeitherInTheDataNorPredictedGetNoBars() {
        // Labels 1..10, as in a data set that numbers its classes from 1: class 0 stays empty.
        ConfusionMatrix cm = new ConfusionMatrix(11);
        for (int c = 1; c <= 10; c++) {
            cm.add(c, c);
        }
        cm.add(3, 5);
        assertEquals(IntStream.rangeClosed(1, 10).boxed().toList(), Charts.shownClasses(cm));
        cm.add(4, 0);
        assertEquals(0, Charts.shownClasses(cm).get(0), "a class that is predicted, even wrongly, has bars");
    }

    @Test
    void theCaptionSaysWhenClassesOfTheModelAreLeftOut() {
        ConfusionMatrix cm = new ConfusionMatrix(11);
        for (int c = 1; c <= 10; c++) {
            cm.add(c, c);
        }
        assertEquals("Precision, recall and F1 of each class in the data or its predictions (10 of the model's 11).",
                ReportFigures.perClassCaption(cm));
        cm.add(0, 0);
        assertEquals("Precision, recall and F1 of each class.", ReportFigures.perClassCaption(cm));
        ConfusionMatrix many = new ConfusionMatrix(47);
        for (int c = 0; c < 40; c++) {
            many.add(c, c);
        }
        assertEquals("Precision, recall and F1 of the 30 classes of lowest F1, of 40 in the data or its predictions"
                + " (the model has 47); every class is in report.json.", ReportFigures.perClassCaption(many));
        for (int c = 40; c < 47; c++) {
            many.add(c, 0);
        }
        assertEquals("Precision, recall and F1 of the 30 classes of lowest F1, of 47; every class is in report.json.",
                ReportFigures.perClassCaption(many));
    }

    @Test
    void beyondTheBarsTheLowestF1AreChosenAmongClassesThatOccur() {
        ConfusionMatrix cm = new ConfusionMatrix(200);
        for (int c = 100; c < 200; c++) {
            cm.add(c, c);
            if (c % 3 == 0) {
                cm.add(c, c == 198 ? 100 : c + 1);
            }
        }
        List<Integer> shown = Charts.shownClasses(cm);
        assertEquals(Charts.BARS_MAX, shown.size());
        assertEquals(List.of(), shown.stream().filter(c -> c < 100).toList(), "absent classes shown: " + shown);
    }
}
