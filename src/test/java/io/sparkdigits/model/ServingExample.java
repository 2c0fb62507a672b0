package io.sparkdigits.model;

import java.io.IOException;

/**
 * The in-process serving example of the README ("Serving a model"), kept here so that it compiles;
 * {@code ServingExampleTest} checks that the README shows the lines between the markers verbatim
 * and runs them.
 */
final class ServingExample {
    record Answer(float[] probabilities, int digit, float[][] batch) {
    }

    private ServingExample() {
    }

    static Answer score(String modelDir, float[] image, float[][] images) throws IOException {
        // README begin
        Model model = Model.load(modelDir);            // once at start-up; share it between threads
        float[] probabilities = model.predict(image);  // image: 784 raw pixel values 0..255, row by row
        int digit = model.predictLabel(image);         // the most probable digit
        float[][] batch = model.predictBatch(images);  // one row of probabilities per image
        // README end
        return new Answer(probabilities, digit, batch);
    }
}
