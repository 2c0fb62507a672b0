package io.sparkdigits.export;

import com.google.protobuf.UnsafeByteOperations;
import io.sparkdigits.export.onnx.Onnx.AttributeProto;
import io.sparkdigits.export.onnx.Onnx.GraphProto;
import io.sparkdigits.export.onnx.Onnx.NodeProto;
import io.sparkdigits.export.onnx.Onnx.TensorProto;
import io.sparkdigits.export.onnx.Onnx.TensorShapeProto;
import io.sparkdigits.export.onnx.Onnx.TypeProto;
import io.sparkdigits.export.onnx.Onnx.ValueInfoProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * An ONNX graph under construction: nodes in the order they are added (which must be
 * topological), constant tensors as initializers, and the typed inputs and outputs. Knows the
 * ONNX message layout so that {@link OnnxExporter}'s layer methods speak only of operators.
 */
final class OnnxGraph {
    private final GraphProto.Builder graph = GraphProto.newBuilder();

    OnnxGraph(String name) {
        graph.setName(name);
    }

    /** Appends an {@code op} node named {@code name} and returns its one output, {@code output}. */
    String node(String op, String name, String output, String... inputs) {
        return node(op, name, output, inputs, new AttributeProto[0]);
    }

    String node(String op, String name, String output, String[] inputs, AttributeProto... attributes) {
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(name).addOutput(output);
        for (String in : inputs) {
            n.addInput(in);
        }
        for (AttributeProto a : attributes) {
            n.addAttribute(a);
        }
        graph.addNode(n);
        return output;
    }

    /** An int attribute. */
    static AttributeProto attribute(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }

    /** An ints attribute, such as a kernel shape or the padding of each side. */
    static AttributeProto attribute(String name, long[] values) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long v : values) {
            a.addInts(v);
        }
        return a.build();
    }

    /** A one-dimensional int64 initializer, such as the target shape of a Reshape; returns its name. */
    String longs(String name, long... values) {
        TensorProto.Builder t = TensorProto.newBuilder()
                .setName(name)
                .setDataType(TensorProto.DataType.INT64_VALUE)
                .addDims(values.length);
        for (long v : values) {
            t.addInt64Data(v);
        }
        graph.addInitializer(t);
        return name;
    }

    /** A float scalar (a tensor of rank 0) as an initializer; returns its name. */
    String scalar(String name, float value) {
        return floats(name, new float[] {value}, 0);
    }

    /**
     * {@code data[off ..]} as a float initializer of shape {@code dims} (row-major, as ONNX
     * stores tensors), in {@code raw_data}: little-endian IEEE 754, the compact form.
     */
    String floats(String name, float[] data, int off, long... dims) {
        long count = 1;
        for (long d : dims) {
            count *= d;
        }
        ByteBuffer bytes = ByteBuffer.allocate(Math.toIntExact(count * Float.BYTES)).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(data, off, (int) count);
        TensorProto.Builder t = TensorProto.newBuilder()
                .setName(name)
                .setDataType(TensorProto.DataType.FLOAT_VALUE)
                .setRawData(UnsafeByteOperations.unsafeWrap(bytes.array()));
        for (long d : dims) {
            t.addDims(d);
        }
        graph.addInitializer(t);
        return name;
    }

    /** A graph input; a String dimension is symbolic (the batch size), an Integer is fixed. */
    void input(String name, TensorProto.DataType type, Object... dims) {
        graph.addInput(valueInfo(name, type, dims));
    }

    void output(String name, TensorProto.DataType type, Object... dims) {
        graph.addOutput(valueInfo(name, type, dims));
    }

    GraphProto build() {
        return graph.build();
    }

    private static ValueInfoProto valueInfo(String name, TensorProto.DataType type, Object... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (Object d : dims) {
            TensorShapeProto.Dimension.Builder dim = TensorShapeProto.Dimension.newBuilder();
            if (d instanceof String symbol) {
                dim.setDimParam(symbol);
            } else {
                dim.setDimValue((Integer) d);
            }
            shape.addDim(dim);
        }
        TypeProto.Tensor tensor = TypeProto.Tensor.newBuilder().setElemType(type.getNumber()).setShape(shape).build();
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(tensor)).build();
    }
}
