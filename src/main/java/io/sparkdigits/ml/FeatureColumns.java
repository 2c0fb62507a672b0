package io.sparkdigits.ml;

import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The columns the stage reads: checks that fail before any job with the column's name, and the
 * conversion of one features value (an ml {@link Vector} or an array of numbers) to floats.
 */
final class FeatureColumns {
    private FeatureColumns() {
    }

    /** The features field, checked to be a Vector or an array of numbers. */
    static StructField features(StructType schema, String column) {
        StructField f = field(schema, column, "features");
        if (!isVector(f.dataType()) && !isNumericArray(f.dataType())) {
            throw new IllegalArgumentException("features column '" + column + "' must be a Vector or an array of numbers,"
                    + " found " + f.dataType().catalogString());
        }
        return f;
    }

    /** Checks the label column: present and numeric. */
    static void label(StructType schema, String column) {
        StructField f = field(schema, column, "label");
        if (!(f.dataType() instanceof NumericType)) {
            throw new IllegalArgumentException("label column '" + column + "' must be numeric, found "
                    + f.dataType().catalogString());
        }
    }

    /** Checks the features column and, where its metadata gives a size, that the size is {@code width}. */
    static void features(StructType schema, String column, int width) {
        int size = declaredSize(features(schema, column));
        if (size >= 0 && size != width) {
            throw new IllegalArgumentException("features column '" + column + "' holds vectors of size " + size
                    + " but the model expects " + width);
        }
    }

    /** The vector size the column's ml attribute metadata declares (VectorAssembler sets it), or -1. */
    static int declaredSize(StructField f) {
        return isVector(f.dataType()) ? AttributeGroup.fromStructField(f).size() : -1;
    }

    static boolean isArray(StructType schema, String column) {
        return isNumericArray(field(schema, column, "features").dataType());
    }

    private static StructField field(StructType schema, String column, String role) {
        if (!Arrays.asList(schema.fieldNames()).contains(column)) {
            throw new IllegalArgumentException(role + " column '" + column + "' does not exist; the columns are "
                    + String.join(", ", schema.fieldNames()));
        }
        return schema.apply(column);
    }

    private static boolean isVector(DataType t) {
        return t instanceof VectorUDT;
    }

    private static boolean isNumericArray(DataType t) {
        return t instanceof ArrayType a && a.elementType() instanceof NumericType;
    }

    /**
     * Puts a features value (Vector or List of Numbers) into {@code out}; returns null if it fits,
     * else what is wrong, naming {@code column}.
     */
    static String toFloats(Object value, float[] out, String column) {
        if (value == null) {
            return "features column '" + column + "' is null";
        }
        if (value instanceof Vector v) {
            if (v.size() != out.length) {
                return "features column '" + column + "' holds a vector of size " + v.size() + ", expected " + out.length;
            }
            if (v instanceof SparseVector s) {
                Arrays.fill(out, 0f);
                int[] at = s.indices();
                double[] vs = s.values();
                for (int i = 0; i < at.length; i++) {
                    out[at[i]] = (float) vs[i];
                }
            } else {
                double[] vs = v.toArray();
                for (int i = 0; i < vs.length; i++) {
                    out[i] = (float) vs[i];
                }
            }
        } else {
            List<?> list = value instanceof scala.collection.Seq<?> seq ? CollectionConverters.asJava(seq) : (List<?>) value;
            if (list.size() != out.length) {
                return "features column '" + column + "' holds an array of " + list.size() + " values, expected " + out.length;
            }
            for (int i = 0; i < out.length; i++) {
                if (!(list.get(i) instanceof Number n)) {
                    return "features column '" + column + "': value " + i + " is null";
                }
                out[i] = n.floatValue();
            }
        }
        for (int i = 0; i < out.length; i++) {
            if (!Float.isFinite(out[i])) {
                return "features column '" + column + "': value " + i + " is " + out[i] + ", not a finite float";
            }
        }
        return null;
    }
}
