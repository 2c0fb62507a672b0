package io.sparkdigits.report;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;

/**
 * What the browser test asks of a rendered report, as a list of problems (empty when the page is
 * fine), so the same check is seen to pass on a good report and to fail on a broken one: every
 * image decoded in the browser, every expected figure is on the page, and the screenshot is not
 * blank and shows the heatmap's dark cells and the curves' colours.
 */
final class PageCheck {
    private static final Pattern IMAGES = Pattern.compile("<body[^>]*data-images=\"(\\d+)/(\\d+)\"");
    /** The heatmap's darkest cells (the diagonal) and the first two line colours of the curves. */
    private static final int HEATMAP_DARK = 0x08306b;
    private static final int TRAIN_LINE = 0x1f77b4;
    private static final int TEST_LINE = 0xff7f0e;

    private PageCheck() {
    }

    /** Problems of the DOM that Chromium produced from a report page with {@code figures}. */
    static List<String> dom(String dom, List<String> figures) {
        List<String> problems = new ArrayList<>();
        Matcher m = IMAGES.matcher(dom);
        if (!m.find()) {
            problems.add("the page did not run its load check (blank or not a report page)");
        } else {
            int loaded = Integer.parseInt(m.group(1));
            int total = Integer.parseInt(m.group(2));
            if (loaded != total) {
                problems.add((total - loaded) + " of " + total + " images did not load");
            }
            if (total != figures.size()) {
                problems.add("the page has " + total + " images, expected " + figures.size());
            }
        }
        for (String f : figures) {
            if (!dom.contains("src=\"" + f + "\"")) {
                problems.add("figure " + f + " is not on the page");
            }
        }
        return problems;
    }

    /** Problems of a screenshot of the report's top. */
    static List<String> screenshot(Path png) throws IOException {
        List<String> problems = new ArrayList<>();
        BufferedImage img = ImageIO.read(png.toFile());
        if (img == null) {
            return List.of(png + " is not an image");
        }
        if (img.getWidth() != Browser.WIDTH || img.getHeight() != Browser.HEIGHT) {
            problems.add("screenshot is " + img.getWidth() + "x" + img.getHeight());
        }
        long[] near = new long[3];
        long nonWhite = 0;
        long pixels = 0;
        for (int y = 0; y < img.getHeight(); y += 2) {
            for (int x = 0; x < img.getWidth(); x += 2) {
                int rgb = img.getRGB(x, y) & 0xffffff;
                pixels++;
                nonWhite += rgb != 0xffffff ? 1 : 0;
                near[0] += close(rgb, HEATMAP_DARK, 40) ? 1 : 0;
                near[1] += close(rgb, TRAIN_LINE, 40) ? 1 : 0;
                near[2] += close(rgb, TEST_LINE, 40) ? 1 : 0;
            }
        }
        if (nonWhite < pixels / 20) {
            problems.add("the page is blank (" + nonWhite + " of " + pixels + " sampled pixels are not white)");
        }
        String[] what = {"the heatmap's dark cells", "the train curve", "the test curve"};
        for (int i = 0; i < 3; i++) {
            if (near[i] < 100) {
                problems.add(what[i] + " not visible (" + near[i] + " pixels of its colour)");
            }
        }
        return problems;
    }

    private static boolean close(int a, int b, int tolerance) {
        int dr = ((a >> 16) & 0xff) - ((b >> 16) & 0xff);
        int dg = ((a >> 8) & 0xff) - ((b >> 8) & 0xff);
        int db = (a & 0xff) - (b & 0xff);
        return Math.abs(dr) <= tolerance && Math.abs(dg) <= tolerance && Math.abs(db) <= tolerance;
    }
}
