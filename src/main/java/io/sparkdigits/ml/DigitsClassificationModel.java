package io.sparkdigits.ml;

import io.sparkdigits.model.Model;
import io.sparkdigits.model.ModelStore;
import io.sparkdigits.nn.NetworkSpec;
import io.sparkdigits.nn.SoftmaxCrossEntropy;
import io.sparkdigits.infer.Predictor;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.classification.ProbabilisticClassificationModel;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWriter;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * A trained spark-digits network as a spark.ml Model: {@code transform} adds {@code rawPrediction}
 * (the network's logits), {@code probability} (their softmax, computed as the CLI computes it)
 * and {@code prediction}. Transform only adds columns, so it runs no job and scores streaming
 * DataFrames too. Features may be an ml Vector or an array of numbers.
 *
 * <p>Saved as Spark's stage metadata plus our own model directory in {@code PATH/model}, which the
 * CLI's {@code predict} and {@code evaluate} read as it is; {@link #load} also reads a model
 * directory written by {@code train}.
 */
public final class DigitsClassificationModel
        extends ProbabilisticClassificationModel<Vector, DigitsClassificationModel> implements MLWritable {
    private static final long serialVersionUID = 1L;
    /** Where the network sits inside a saved stage. */
    static final String MODEL_DIR = ModelStore.STAGE_MODEL;

    private String uid;
    /** Kept on the driver for saving; tasks need only the three fields below it. */
    private final transient Model model;
    private final NetworkSpec spec;
    private final float[] params;
    private final float scale;
    private transient ThreadLocal<Predictor> predictors;

    DigitsClassificationModel(String uid, Model model) {
        this(Uids.stash(uid), model, model.spec(), model.params(), model.inputScale());
    }

    /** {@code model} may be null (a copy made in a task), the network is then in the other three. */
    private DigitsClassificationModel(Void stashed, Model model, NetworkSpec spec, float[] params, float scale) {
        super();
        uid();
        this.model = model;
        this.spec = spec;
        this.params = params;
        this.scale = scale;
    }

    @Override
    public String uid() {
        if (uid == null) {
            uid = Uids.claim("digitsClassificationModel");
        }
        return uid;
    }

    /** The network, weights and training record, as the CLI saves them (driver side only). */
    public Model model() {
        return model;
    }

    @Override
    public int numClasses() {
        return spec.outputSize();
    }

    @Override
    public int numFeatures() {
        return spec.inputSize();
    }

    @Override
    public Vector predictRaw(Vector features) {
        return raw(features, getFeaturesCol());
    }

    /**
     * The logits of one row given as a Vector or an array of numbers; {@code column} is what
     * an error calls the value. Shared by {@code transform} and the SQL functions.
     */
    Vector raw(Object features, String column) {
        Predictor p = predictor();
        float[] row = new float[numFeatures()];
        String problem = FeatureColumns.toFloats(features, row, column);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        float[] x = p.inputBuffer();
        for (int i = 0; i < row.length; i++) {
            x[i] = row[i] * scale;
        }
        float[] z = p.logits(1);
        double[] raw = new double[numClasses()];
        for (int k = 0; k < raw.length; k++) {
            raw[k] = z[k];
        }
        return Vectors.dense(raw);
    }

    /** The softmax of the logits in float, the very function the CLI's scoring applies. */
    @Override
    public Vector raw2probabilityInPlace(Vector raw) {
        if (!(raw instanceof DenseVector dense)) {
            throw new IllegalArgumentException("raw predictions are dense vectors of logits, got " + raw);
        }
        double[] v = dense.values();
        float[] z = new float[v.length];
        for (int k = 0; k < z.length; k++) {
            z[k] = (float) v[k];
        }
        SoftmaxCrossEntropy.softmax(z, 1, z.length);
        for (int k = 0; k < z.length; k++) {
            v[k] = z[k];
        }
        return raw;
    }

    /** One Predictor per thread: its scratch buffers cannot be shared. */
    private synchronized Predictor predictor() {
        if (predictors == null) {
            predictors = ThreadLocal.withInitial(() -> new Predictor(spec, params, scale));
        }
        return predictors.get();
    }

    @Override
    public StructType transformSchema(StructType schema) {
        FeatureColumns.features(schema, getFeaturesCol(), numFeatures());
        return outputSchema(this, schema);
    }

    /**
     * The input with the prediction columns a stage with Params {@code p} adds, failing if one of them
     * exists already: the schema {@code transform} produces, and what the Estimator promises.
     */
    static StructType outputSchema(Params p, StructType schema) {
        FeatureColumns.features(schema, p.getOrDefault(p.getParam("featuresCol")).toString());
        StructType out = schema;
        for (String name : new String[] {"rawPredictionCol", "probabilityCol", "predictionCol"}) {
            String column = p.getOrDefault(p.getParam(name)).toString();
            if (column.isEmpty()) {
                continue;
            }
            if (java.util.Arrays.asList(out.fieldNames()).contains(column)) {
                throw new IllegalArgumentException(name + " '" + column + "' already exists in the input");
            }
            out = out.add(column, name.equals("predictionCol") ? DataTypes.DoubleType : new VectorUDT(), false);
        }
        return out;
    }

    /**
     * Adds the output columns in one pass over each partition, a chunk of rows at a time
     * ({@link ChunkScorer}). Lazy, as a map over the rows: no job runs here, so streaming
     * DataFrames are scored too.
     */
    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType out = transformSchema(dataset.schema());
        String features = getFeaturesCol();
        ChunkScorer scorer = new ChunkScorer(copy(ParamMap.empty()), dataset.schema().fieldIndex(features), features,
                !getRawPredictionCol().isEmpty(), !getProbabilityCol().isEmpty(), !getPredictionCol().isEmpty());
        return dataset.toDF().mapPartitions((MapPartitionsFunction<Row, Row>) scorer::score, Encoders.row(out));
    }

    /** A Predictor of its own for a task's scoring. */
    Predictor newPredictor() {
        return new Predictor(spec, params, scale);
    }

    /** The class Spark's transform would choose from probabilities, thresholds included. */
    double predictFromProbability(Vector probability) {
        return probability2prediction(probability);
    }

    /** The class Spark's transform would choose from logits, thresholds included. */
    double predictFromRaw(Vector raw) {
        return raw2prediction(raw);
    }

    /**
     * Spark's summaries ask for this; Java sees two inherited versions with different generic
     * types and needs it declared. The stage has no training summary, so it names its own columns.
     */
    @Override
    @SuppressWarnings({"rawtypes", "unchecked"})
    public scala.Tuple3 findSummaryModel() {
        return new scala.Tuple3(this, getProbabilityCol(), getPredictionCol());
    }

    @Override
    public DigitsClassificationModel copy(ParamMap extra) {
        DigitsClassificationModel copy = new DigitsClassificationModel(Uids.stash(uid()), model, spec, params, scale);
        return copyValues(copy, extra).setParent(parent());
    }

    @Override
    public MLWriter write() {
        return new Writer(this);
    }

    public static MLReader<DigitsClassificationModel> read() {
        return new Reader();
    }

    /** Reads a stage saved by {@link #write()}, or a model directory written by the CLI's {@code train}. */
    public static DigitsClassificationModel load(String path) {
        return read().load(path);
    }

    @Override
    public String toString() {
        return "DigitsClassificationModel: uid=" + uid() + ", network=" + spec;
    }

    /** Spark's params metadata, then our model directory beside it. */
    private static final class Writer extends MLWriter {
        private final DigitsClassificationModel stage;

        Writer(DigitsClassificationModel stage) {
            this.stage = stage;
        }

        @Override
        public void saveImpl(String path) {
            DefaultParamsWriter.saveMetadata(stage, path, sparkSession());
            try {
                ModelStore.save(stage.model, new Path(path, MODEL_DIR).toString(), sc().hadoopConfiguration());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static final class Reader extends MLReader<DigitsClassificationModel> {
        @Override
        public DigitsClassificationModel load(String path) {
            Configuration conf = sc().hadoopConfiguration();
            try {
                Path metadata = new Path(path, "metadata");
                if (!metadata.getFileSystem(conf).exists(metadata)) {
                    return new DigitsClassificationModel((String) null, ModelStore.load(path, conf));
                }
                DefaultParamsReader.Metadata md = DefaultParamsReader.loadMetadata(path, sparkSession(),
                        DigitsClassificationModel.class.getName());
                Model model = ModelStore.load(new Path(path, MODEL_DIR).toString(), conf);
                DigitsClassificationModel stage = new DigitsClassificationModel(md.uid(), model);
                md.getAndSetParams(stage, scala.Option.empty());
                return stage;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
