package io.sparkdigits.data;

import io.sparkdigits.model.AtomicPath;
import io.sparkdigits.model.OutputGuard;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;

/**
 * Converts an IDX image file and its IDX label file to a folder of 8-bit gray PNGs, one class
 * folder per label ({@code OUT/0/00000.png}, {@code OUT/7/00001.png}, ...; the number is the
 * image's 0-based index in the IDX file): the layout the image reader takes labels from. Pixel
 * values are written as they are (MNIST's 0 is the background).
 *
 * <p>Like every output, the folder is written under a temporary name and renamed into place
 * ({@link AtomicPath}); it holds the marker {@link OutputGuard#IMAGES_MARKER}, so a later
 * conversion may replace it, and nothing else is replaced without {@code overwrite}.
 */
public final class IdxToPng {
    private IdxToPng() {
    }

    /**
     * Writes the first {@code limit} images (all if negative) of {@code images} into class folders
     * under {@code outDir}; returns how many.
     */
    public static long convert(Path images, Path labels, Path outDir, long limit, boolean overwrite)
            throws IOException {
        Path target = outDir.toAbsolutePath().normalize();
        refuseToReplaceInput(images, target);
        refuseToReplaceInput(labels, target);
        Configuration conf = new Configuration();
        AtomicPath out = AtomicPath.of(target.toUri().toString(), OutputGuard.Kind.IMAGE_FOLDER, overwrite, conf);
        try (IdxReader img = IdxReader.open(images); IdxReader lab = IdxReader.open(labels)) {
            int[] dims = IdxToCsv.checkPair(img, images, lab, labels);
            long count = limit < 0 ? img.count() : Math.min(limit, img.count());
            write(img, lab, dims[1], dims[2], count, out.fs(), out.temp());
            out.fs().create(new org.apache.hadoop.fs.Path(out.temp(), OutputGuard.IMAGES_MARKER), false).close();
            out.commit();
            return count;
        } catch (IOException | RuntimeException e) {
            out.abort();
            throw e;
        }
    }

    private static void write(IdxReader img, IdxReader lab, int height, int width, long count, FileSystem fs,
                              org.apache.hadoop.fs.Path dir) throws IOException {
        int digits = Math.max(5, Long.toString(Math.max(0, count - 1)).length());
        byte[] pixels = new byte[img.itemSize()];
        byte[] label = new byte[1];
        BufferedImage picture = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        for (long i = 0; i < count; i++) {
            img.readItem(pixels);
            lab.readItem(label);
            picture.getRaster().setDataElements(0, 0, width, height, pixels);
            String name = String.format("%0" + digits + "d.png", i);
            org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(
                    new org.apache.hadoop.fs.Path(dir, Integer.toString(label[0] & 0xff)), name);
            try (OutputStream o = fs.create(file, false)) {
                if (!ImageIO.write(picture, "png", o)) {
                    throw new IOException("no PNG writer in this JVM");
                }
            }
        }
    }

    /** Replacing a folder that holds an input would delete the input once the new folder is in place. */
    private static void refuseToReplaceInput(Path input, Path target) throws IOException {
        if (input.toAbsolutePath().normalize().startsWith(target)) {
            throw new IOException(target + ": the output folder holds the input file " + input);
        }
    }
}
