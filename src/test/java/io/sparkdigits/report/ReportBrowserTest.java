package io.sparkdigits.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.sparkdigits.testing.Cli;
import io.sparkdigits.testing.SparkSessionExtension;
import io.sparkdigits.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report as a person sees it: opened from {@code file://} in headless Chromium, every image
 * loads, every figure is on the page, and a screenshot shows a page with the heatmap and the
 * curves. The same checks fail on a broken image, a missing figure and an empty page. Chromium
 * is the Debian package {@code chromium} ({@code .ci/run} installs it): without it this test is
 * skipped on a developer's machine and fails under CI ({@code CI=true}).
 *
 * <p>{@code -Dspark.digits.screenshot=docs/report-screenshot.png} also writes the README's
 * screenshot: the report of {@code target/models/mnist} (trained with the default preset on
 * {@code data/mnist} first if missing) on the MNIST test set.
 */
@ExtendWith(SparkSessionExtension.class)
class ReportBrowserTest {
    @TempDir
    static Path dir;
    static Browser browser;
    static Path report;

    @BeforeAll
    static void findChromiumAndWriteAReport() {
        var found = Browser.find();
        if (found.isEmpty()) {
            if ("true".equals(System.getenv("CI"))) {
                fail("chromium is not installed: .ci/run installs the Debian package 'chromium'");
            }
            Assumptions.abort("chromium is not installed (apt-get install chromium); the browser test is skipped");
        }
        browser = found.get();
        Path model = dir.resolve("model");
        report = dir.resolve("report");
        Cli.Result trained = Cli.run(SparkSessionExtension.spark(), "train", "--train", TestData.TRAIN.toString(),
                "--test", TestData.TEST.toString(), "--model", model.toString(), "--hidden", "8", "--epochs", "2",
                "--batch-size", "100", "--report", report.toString());
        assertEquals(0, trained.code(), trained.toString());
    }

    @Test
    void everyImageLoadsAndTheScreenshotShowsTheHeatmapAndTheCurves() throws Exception {
        assertEquals(List.of(), PageCheck.dom(browser.dom(report.resolve("index.html")), ReportCommandTest.FIGURES));
        Path shot = dir.resolve("shot.png");
        browser.screenshot(report.resolve("index.html"), shot);
        assertEquals(List.of(), PageCheck.screenshot(shot));
    }

    @Test
    void aBrokenImageIsCaught() throws Exception {
        Path broken = copy("broken");
        Files.delete(broken.resolve("confusion.png"));
        Files.writeString(broken.resolve("loss.png"), "not a png");
        List<String> problems = PageCheck.dom(browser.dom(broken.resolve("index.html")), ReportCommandTest.FIGURES);
        assertTrue(problems.contains("2 of 8 images did not load"), problems.toString());
    }

    @Test
    void aMissingFigureIsCaught() throws Exception {
        Path missing = copy("missing");
        Path index = missing.resolve("index.html");
        Files.writeString(index, Files.readString(index).replaceAll("(?s)<figure id=\"confusion\">.*?</figure>", ""));
        List<String> problems = PageCheck.dom(browser.dom(index), ReportCommandTest.FIGURES);
        assertTrue(problems.contains("figure confusion.png is not on the page"), problems.toString());
        assertTrue(problems.contains("the page has 7 images, expected 8"), problems.toString());
    }

    @Test
    void anEmptyPageIsCaught() throws Exception {
        Path empty = copy("empty");
        Files.writeString(empty.resolve("index.html"), "<!DOCTYPE html><html><body></body></html>");
        List<String> problems = PageCheck.dom(browser.dom(empty.resolve("index.html")), ReportCommandTest.FIGURES);
        assertTrue(problems.contains("the page did not run its load check (blank or not a report page)"),
                problems.toString());
        Path shot = dir.resolve("empty.png");
        browser.screenshot(empty.resolve("index.html"), shot);
        List<String> seen = PageCheck.screenshot(shot);
        assertTrue(seen.stream().anyMatch(p -> p.startsWith("the page is blank")), seen.toString());
        assertTrue(seen.stream().anyMatch(p -> p.startsWith("the heatmap's dark cells not visible")), seen.toString());
    }

    /** The README's screenshot, from the MNIST default model; on request only (it trains on MNIST). */
    @Test
    @EnabledIfSystemProperty(named = "spark.digits.screenshot", matches = ".+")
    void writeTheReadmeScreenshot() throws Exception {
        Path mnist = Path.of("data/mnist");
        Path model = Path.of("target/models/mnist");
        if (!Files.exists(model.resolve("model.json"))) {
            Cli.Result trained = Cli.run(SparkSessionExtension.spark(), "train", "--train",
                    mnist.resolve("mnist_train.csv").toString(), "--test", mnist.resolve("mnist_test.csv").toString(),
                    "--model", model.toString());
            assertEquals(0, trained.code(), trained.toString());
        }
        Path out = dir.resolve("mnist-report");
        Cli.Result made = Cli.run(SparkSessionExtension.spark(), "report", "--model", model.toString(), "--data",
                mnist.resolve("mnist_test.csv").toString(), "--output", out.toString());
        assertEquals(0, made.code(), made.toString());
        assertEquals(List.of(), PageCheck.dom(browser.dom(out.resolve("index.html")), ReportCommandTest.FIGURES));
        Path shot = Path.of(System.getProperty("spark.digits.screenshot"));
        browser.screenshot(out.resolve("index.html"), shot);
        assertEquals(List.of(), PageCheck.screenshot(shot));
    }

    private static Path copy(String name) throws Exception {
        Path to = Files.createDirectories(dir.resolve(name));
        try (var files = Files.list(report)) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
        return to;
    }
}
