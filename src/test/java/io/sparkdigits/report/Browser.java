package io.sparkdigits.report;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Headless Chromium (Debian's {@code chromium}) driven from the command line: the DOM of a page
 * after it has loaded and its scripts have run, or a screenshot of it. Each call uses a fresh
 * profile, and the network features that would reach out (updates, sync, QUIC) are off, so a
 * page that needs the network shows it by failing here.
 */
final class Browser {
    static final int WIDTH = 1280;
    static final int HEIGHT = 2400;
    private static final long TIMEOUT_SECONDS = 120;

    private final String executable;

    private Browser(String executable) {
        this.executable = executable;
    }

    /** Chromium on the PATH, if installed. */
    static Optional<Browser> find() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            for (String name : List.of("chromium", "chromium-browser")) {
                Path p = Path.of(dir, name);
                if (Files.isExecutable(p)) {
                    return Optional.of(new Browser(p.toString()));
                }
            }
        }
        return Optional.empty();
    }

    /** The page's DOM once it has loaded and its load handlers have run. */
    String dom(Path page) throws IOException, InterruptedException {
        return run(page, "--dump-dom");
    }

    /** A {@link #WIDTH} x {@link #HEIGHT} screenshot of the page's top, as a PNG at {@code out}. */
    void screenshot(Path page, Path out) throws IOException, InterruptedException {
        run(page, "--screenshot=" + out.toAbsolutePath(), "--window-size=" + WIDTH + "," + HEIGHT, "--hide-scrollbars");
        if (!Files.isRegularFile(out)) {
            throw new IOException("chromium wrote no screenshot at " + out);
        }
    }

    private String run(Path page, String... action) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory("chromium-profile");
        Path stdout = Files.createTempFile("chromium", ".out");
        Path stderr = Files.createTempFile("chromium", ".err");
        List<String> cmd = new ArrayList<>(List.of(executable, "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + profile, "--run-all-compositor-stages-before-draw",
                "--virtual-time-budget=5000"));
        cmd.addAll(List.of(action));
        cmd.add(page.toAbsolutePath().toUri().toString());
        Process p = new ProcessBuilder(cmd).redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        try {
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("chromium did not finish within " + TIMEOUT_SECONDS + " s");
            }
            if (p.exitValue() != 0) {
                throw new IOException("chromium exited with " + p.exitValue() + ": " + Files.readString(stderr));
            }
            return Files.readString(stdout, StandardCharsets.UTF_8);
        } finally {
            Files.deleteIfExists(stdout);
            Files.deleteIfExists(stderr);
            deleteTree(profile);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
