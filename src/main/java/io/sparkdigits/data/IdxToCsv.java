package io.sparkdigits.data;

import io.sparkdigits.model.OutputExistsException;
import io.sparkdigits.model.OutputGuard;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.zip.GZIPOutputStream;
import org.apache.hadoop.conf.Configuration;

/**
 * Converts an IDX image file and its IDX label file to the "mnist-in-csv" layout: a header
 * {@code label,1x1,1x2,...,28x28} ({@code {row}x{col}}, 1-based, row-major), then one line per
 * image, the label followed by the pixels as 0..255, lines ending in {@code \n}.
 *
 * <p>The output appears atomically: rows go to a hidden temporary file in the output directory
 * (its leading dot makes Spark and Hadoop skip it), which is then renamed over the output. A
 * failed conversion removes the temporary file and leaves any earlier output as it was. An
 * existing file is replaced only if it is a CSV this class wrote (its header line; see
 * {@link OutputGuard}), or when asked to overwrite. An output name ending in {@code .gz} is
 * gzip-compressed.
 */
public final class IdxToCsv {
    private static final int BUFFER = 1 << 16;

    private IdxToCsv() {
    }

    /**
     * Writes the first {@code limit} images of {@code images} with their labels from
     * {@code labels} to {@code outCsv}, creating its directory if needed.
     *
     * @param images IDX file of {@code count x rows x cols} unsigned bytes, plain or gzip
     * @param labels IDX file of {@code count} unsigned bytes, plain or gzip
     * @param outCsv the CSV to write; gzip-compressed if its name ends in {@code .gz}
     * @param limit  the most rows to write; negative means all
     * @param overwrite replace whatever file is at {@code outCsv}, not only a CSV of ours
     * @return the number of rows written, not counting the header
     * @throws IdxFormatException an input is malformed, has the wrong shape, or the two files
     *                            have different counts
     * @throws OutputExistsException {@code outCsv} holds something else and {@code overwrite} is false
     * @throws IOException        reading or writing failed
     */
    public static long convert(Path images, Path labels, Path outCsv, long limit, boolean overwrite)
            throws IOException {
        Path target = outCsv.toAbsolutePath().normalize();
        refuseToOverwrite(images, target);
        refuseToOverwrite(labels, target);
        if (!overwrite) {
            refuseForeign(target);
        }
        try (IdxReader img = IdxReader.open(images); IdxReader lab = IdxReader.open(labels)) {
            int[] dims = checkPair(img, images, lab, labels);
            long rows = limit < 0 ? img.count() : Math.min(limit, img.count());
            writeAtomically(target, overwrite, out -> writeCsv(img, lab, dims[1], dims[2], rows, out));
            return rows;
        }
    }

    /** Checks that {@code img} holds images and {@code lab} as many labels; returns the image dimensions. */
    static int[] checkPair(IdxReader img, Path images, IdxReader lab, Path labels) throws IOException {
        int[] dims = img.dims();
        if (dims.length != 3) {
            throw new IdxFormatException(images + ": expected images (count x rows x cols), found dimensions "
                    + IdxReader.shape(dims, dims.length));
        }
        int[] labelDims = lab.dims();
        if (labelDims.length != 1) {
            throw new IdxFormatException(labels + ": expected labels (one dimension), found dimensions "
                    + IdxReader.shape(labelDims, labelDims.length));
        }
        if (img.count() != lab.count()) {
            throw new IdxFormatException(images + " holds " + img.count() + " images but " + labels + " holds "
                    + lab.count() + " labels");
        }
        return dims;
    }

    /** As {@link #convert(Path, Path, Path, long, boolean)}, replacing only a CSV of ours. */
    public static long convert(Path images, Path labels, Path outCsv, long limit) throws IOException {
        return convert(images, labels, outCsv, limit, false);
    }

    /** What is at {@code target} and may not be replaced, or null. */
    private static String foreign(Path target) throws IOException {
        return OutputGuard.foreign(target.toUri().toString(), OutputGuard.Kind.CSV, new Configuration());
    }

    private static void refuseForeign(Path target) throws IOException {
        String why = foreign(target);
        if (why != null) {
            throw new OutputExistsException(OutputGuard.problem(target, OutputGuard.Kind.CSV, why)
                    + "; choose another path or pass --overwrite");
        }
    }

    private static void refuseToOverwrite(Path input, Path target) throws IOException {
        if (Files.exists(input) && Files.exists(target) && Files.isSameFile(input, target)) {
            throw new IOException(target + ": the output is the input file " + input);
        }
    }

    private static void writeCsv(IdxReader img, IdxReader lab, int rowsPerImage, int cols, long count, OutputStream out)
            throws IOException {
        StringBuilder header = new StringBuilder("label");
        for (int r = 1; r <= rowsPerImage; r++) {
            for (int c = 1; c <= cols; c++) {
                header.append(',').append(r).append('x').append(c);
            }
        }
        header.append('\n');
        out.write(header.toString().getBytes(StandardCharsets.US_ASCII));

        int pixels = img.itemSize();
        byte[] image = new byte[pixels];
        byte[] label = new byte[1];
        // At most 3 digits and a separator per value, plus the newline.
        byte[] line = new byte[4 * (pixels + 1) + 1];
        for (long i = 0; i < count; i++) {
            img.readItem(image);
            lab.readItem(label);
            int p = putDecimal(line, 0, label[0] & 0xff);
            for (int k = 0; k < pixels; k++) {
                line[p++] = ',';
                p = putDecimal(line, p, image[k] & 0xff);
            }
            line[p++] = '\n';
            out.write(line, 0, p);
        }
    }

    /** Writes {@code v} (0..255) as ASCII decimal at {@code p}; returns the position after it. */
    private static int putDecimal(byte[] b, int p, int v) {
        if (v >= 100) {
            b[p++] = (byte) ('0' + v / 100);
            v %= 100;
            b[p++] = (byte) ('0' + v / 10);
        } else if (v >= 10) {
            b[p++] = (byte) ('0' + v / 10);
        }
        b[p++] = (byte) ('0' + v % 10);
        return p;
    }

    /** Body of an atomic write: fills the stream it is given. */
    interface Body {
        void write(OutputStream out) throws IOException;
    }

    /**
     * Runs {@code body} against a temporary file beside {@code target}, then renames it over
     * {@code target}. On any failure the temporary file is deleted and {@code target} untouched.
     */
    static void writeAtomically(Path target, boolean overwrite, Body body) throws IOException {
        Path dir = target.getParent();
        String name = target.getFileName().toString();
        Path tmp = dir.resolve("." + name + "." + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36) + ".tmp");
        try {
            Files.createDirectories(dir);
            try (OutputStream file = Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                 OutputStream out = name.toLowerCase(Locale.ROOT).endsWith(".gz")
                         ? new BufferedOutputStream(new GZIPOutputStream(file, BUFFER), BUFFER)
                         : new BufferedOutputStream(file, BUFFER)) {
                body.write(out);
            }
            // Asked again: the path may have changed during the conversion.
            String replaced = overwrite ? foreign(target) : null;
            if (!overwrite) {
                refuseForeign(target);
            }
            // Same directory, so the rename is atomic: readers see the old file or the new one.
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            if (replaced != null) {
                System.err.println(OutputGuard.replacedLine(target, OutputGuard.Kind.CSV, replaced));
            }
        } catch (Throwable t) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException cleanup) {
                t.addSuppressed(cleanup);
            }
            if (t instanceof FileSystemException) {
                // Only the output side touches the file system here; its bare messages name no context.
                throw new IOException(target + ": cannot write: " + describe((FileSystemException) t), t);
            }
            throw t;
        }
    }

    private static String describe(FileSystemException e) {
        String what;
        if (e.getReason() != null) {
            what = e.getReason();
        } else if (e instanceof AccessDeniedException) {
            what = "permission denied";
        } else if (e instanceof NoSuchFileException) {
            what = "no such file or directory";
        } else if (e instanceof FileAlreadyExistsException) {
            what = "already exists";
        } else if (e instanceof NotDirectoryException) {
            what = "not a directory";
        } else {
            what = e.getClass().getSimpleName();
        }
        return e.getFile() == null ? what : e.getFile() + ": " + what;
    }
}
