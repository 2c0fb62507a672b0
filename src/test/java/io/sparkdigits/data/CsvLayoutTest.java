package io.sparkdigits.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The per-file header decision and the width check, without Spark. */
class CsvLayoutTest {
    @TempDir
    Path dir;

    private static boolean header(String line) {
        return CsvLayout.looksLikeHeader(line.split(",", -1));
    }

    @Test
    void namesAreHeadersAndNumbersAreData() {
        assertTrue(header("label,1x1,1x2,1x3"));
        assertTrue(header("pixel0,pixel1,pixel2"));
        assertTrue(header("\"label\",\"a\""));
        assertFalse(header("7,0,0,255"));
        assertFalse(header("7,0.5,1e-3,-0"));
        assertFalse(header("7,1,2,x"), "a data row with one bad value is data, reported later as a bad row");
        assertFalse(header(" 3 , 4 ,\"5\""));
    }

    @Test
    void headersAreDecidedPerFileAndMatchSparkNames() throws IOException {
        Files.write(dir.resolve("a.csv"), List.of("label,x1,x2", "1,2,3"));
        Files.write(dir.resolve("b c.csv"), List.of("4,5,6"));
        Files.write(dir.resolve("d.csv"), List.of("", "label,x1,x2", "7,8,9"));
        CsvLayout layout = CsvLayout.inspect(dir.toString(), CsvLayout.Header.AUTO, LabelColumn.DEFAULT, false, new Configuration());
        assertEquals(3, layout.files().size());
        assertEquals(2, layout.headerCount());
        assertEquals(3, layout.columns());
        CsvLayout.Headers h = layout.headers();
        // Spark's _metadata.file_path is the percent-encoded URI of the file.
        assertTrue(h.has(dir.resolve("a.csv").toUri().toString()));
        assertTrue(h.has("file:" + dir.resolve("a.csv")));
        assertFalse(h.has("file:" + dir.resolve("b%20c.csv")));
        assertTrue(h.has("file:" + dir.resolve("d.csv")));
        assertEquals(new org.apache.hadoop.fs.Path("file:" + dir.resolve("b c.csv")),
                CsvLayout.fromSparkName("file:" + dir.resolve("b%20c.csv")));
    }

    @Test
    void forcedAnswersApplyToEveryFile() throws IOException {
        Files.write(dir.resolve("a.csv"), List.of("label,x1", "1,2"));
        Files.write(dir.resolve("b.csv"), List.of("3,4"));
        Configuration conf = new Configuration();
        assertEquals(0, CsvLayout.inspect(dir.toString(), CsvLayout.Header.NO, LabelColumn.DEFAULT, false, conf).headerCount());
        BadInputException e = assertThrows(BadInputException.class,
                () -> CsvLayout.inspect(dir.toString(), CsvLayout.Header.YES, LabelColumn.DEFAULT, false, conf));
        assertTrue(e.getMessage().contains("b.csv: line 1 is a data row"), e.getMessage());
        assertTrue(CsvLayout.inspect(dir.toString(), CsvLayout.Header.YES, LabelColumn.DEFAULT, true, conf).allHeaders());
    }

    @Test
    void aHeaderWithTheLabelNamedElsewhereIsRefused() throws IOException {
        assertEquals(null, CsvLayout.misplacedLabel("label,x1,x2".split(","), 0));
        assertEquals(null, CsvLayout.misplacedLabel("\"Class\",x,y".split(","), 0));
        assertEquals(null, CsvLayout.misplacedLabel("pixel0,pixel1,pixel2".split(","), 0), "no column says it is the label");
        assertTrue(CsvLayout.misplacedLabel("f1,f2,\"Target\"".split(","), 0).startsWith("column 3 is named 'Target'"));
        assertEquals(null, CsvLayout.misplacedLabel("f1,label,f2".split(","), 1));
        assertEquals("column 1 is named 'label', but the label is read from column 3 ('b'): give --label-column 1, or"
                + " --label-column 3 if column 3 is the label", CsvLayout.misplacedLabel("label,a,b".split(","), 2));
        Files.write(dir.resolve("a.csv"), List.of("1,2,3"));
        Files.write(dir.resolve("b.csv"), List.of("x1,x2,class", "4,5,1"));
        Configuration conf = new Configuration();
        BadInputException e = assertThrows(BadInputException.class,
                () -> CsvLayout.inspect(dir.toString(), CsvLayout.Header.AUTO, LabelColumn.DEFAULT, false, conf));
        assertTrue(e.getMessage().endsWith("b.csv: line 1: column 3 is named 'class', but the label is read from"
                + " column 1 ('x1'): give --label-column 3, or --label-column first if column 1 is the label"),
                e.getMessage());
        assertEquals(2, CsvLayout.inspect(dir.toString(), CsvLayout.Header.AUTO, LabelColumn.of("3"), false, conf).label());
        assertEquals(0, CsvLayout.inspect(dir.toString(), CsvLayout.Header.AUTO, LabelColumn.of("first"), false, conf)
                .label(), "a column the user chose is not questioned");
        assertEquals(0, CsvLayout.inspect(dir.toString(), CsvLayout.Header.NO, LabelColumn.DEFAULT, true, conf).headerCount(),
                "--header false reads the line as data, whatever it says");
    }

    private CsvLayout inspect(String label) {
        return CsvLayout.inspect(dir.toString(), CsvLayout.Header.AUTO, LabelColumn.of(label), false, new Configuration());
    }

    private String refused(String label) {
        CsvLayout layout = inspect(label); // a label's column is only needed, and refused, when a label is read
        return assertThrows(BadInputException.class, layout::label).getMessage();
    }

    @Test
    void theLabelColumnIsFoundByPositionOrByName() throws IOException {
        Files.write(dir.resolve("a.csv"), List.of("x1,Kind,x2,x3", "1,2,3,4"));
        Files.write(dir.resolve("b.csv"), List.of("5,6,7,8"));
        assertEquals(0, inspect("first").label());
        assertEquals(3, inspect("LAST").label());
        assertEquals(2, inspect("3").label());
        assertEquals(1, inspect("Kind").label());
        assertEquals(1, inspect("kind").label(), "the only name that matches without case");
        assertTrue(refused("5").endsWith("a.csv: --label-column 5 is past the last column (rows have 4)"), refused("5"));
        assertTrue(refused("class").endsWith("a.csv: line 1: no column is named 'class' (--label-column)"));
        Files.write(dir.resolve("c.csv"), List.of("Kind,x1,x2,x3", "1,2,3,4"));
        assertTrue(refused("Kind").endsWith("c.csv: line 1: 'Kind' is column 1 here but column 2 in "
                + dir.resolve("a.csv").toUri().toString().replace("file:///", "file:/") + "; the files' columns must be"
                + " in the same order"), refused("Kind"));
        Files.delete(dir.resolve("a.csv"));
        Files.delete(dir.resolve("c.csv"));
        assertTrue(refused("Kind").endsWith(": --label-column 'Kind' names a column, but no file starts with a header"
                + " line: give the column's number, or first or last"), refused("Kind"));
    }

    /** Two columns of the label's name: which one is the label is the user's to say, not the first's. */
    @Test
    void aNameThatTwoColumnsCarryIsRefused() throws IOException {
        Files.write(dir.resolve("a.csv"), List.of("x1,label,x2,label", "1,2,3,4"));
        assertTrue(refused("label").endsWith("a.csv: line 1: 2 columns match the name 'label' (columns 2, 4); give"
                + " --label-column the number of the label's column"), refused("label"));
        Files.write(dir.resolve("a.csv"), List.of("x1,Label,x2,LABEL", "1,2,3,4"));
        assertTrue(refused("label").contains("2 columns match the name 'label' (columns 2, 4)"), refused("label"));
        Files.write(dir.resolve("a.csv"), List.of("x1,Label,x2,label", "1,2,3,4"));
        assertEquals(3, inspect("label").label(), "an exact match is preferred to one without case");
        assertEquals(3, inspect("4").label(), "a number chooses among them");
    }

    @Test
    void filesOfDifferentWidthsAreRefusedNamingBoth() throws IOException {
        Files.write(dir.resolve("a.csv"), List.of("1,2,3"));
        Files.write(dir.resolve("b.csv"), List.of("1,2"));
        BadInputException e = assertThrows(BadInputException.class,
                () -> CsvLayout.inspect(dir.toString(), CsvLayout.Header.AUTO, LabelColumn.DEFAULT, false, new Configuration()));
        assertTrue(e.getMessage().contains("a.csv has 3 columns") && e.getMessage().contains("b.csv has 2"),
                e.getMessage());
    }
}
