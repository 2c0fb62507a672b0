package io.sparkdigits.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class BatchPlanTest {
    private static int[] identity(int n) {
        int[] a = new int[n];
        Arrays.setAll(a, i -> i);
        return a;
    }

    @Test
    void everyRowOnceAnEpochAndBatchesNearTheGlobalSize() {
        int[] partitionRows = {1000, 777, 1234};
        long total = Arrays.stream(partitionRows).sum();
        BatchPlan plan = new BatchPlan(7, total, 128);
        assertEquals((total + 127) / 128, plan.stepsPerEpoch());
        for (int p = 0; p < partitionRows.length; p++) {
            int n = partitionRows[p];
            boolean[] seen = new boolean[n];
            int[] order = plan.epochOrder(identity(n), 3, p);
            for (int s = 0; s < plan.stepsPerEpoch(); s++) {
                for (int i = plan.sliceStart(n, s); i < plan.sliceEnd(n, s); i++) {
                    assertFalse(seen[order[i]], "row used twice");
                    seen[order[i]] = true;
                }
            }
            for (boolean b : seen) {
                assertEquals(true, b);
            }
        }
        for (int s = 0; s < plan.stepsPerEpoch(); s++) {
            int batch = 0;
            for (int n : partitionRows) {
                batch += plan.sliceEnd(n, s) - plan.sliceStart(n, s);
            }
            // Steps share the rows evenly: total / steps each (125.5 here), give or take one row
            // per partition, so never more than the requested size.
            assertEquals(total / (double) plan.stepsPerEpoch(), batch, partitionRows.length, "step " + s);
            assertEquals(true, batch <= 128, "step " + s + " has " + batch + " rows");
        }
    }

    @Test
    void ordersDependOnSeedEpochAndPartitionOnly() {
        BatchPlan a = new BatchPlan(1, 500, 50);
        BatchPlan b = new BatchPlan(1, 900, 10);
        assertArrayEquals(a.epochOrder(identity(100), 2, 1), b.epochOrder(identity(100), 2, 1));
        assertFalse(Arrays.equals(a.epochOrder(identity(100), 2, 1), a.epochOrder(identity(100), 3, 1)));
        assertFalse(Arrays.equals(a.epochOrder(identity(100), 2, 1), a.epochOrder(identity(100), 2, 2)));
        assertFalse(Arrays.equals(a.epochOrder(identity(100), 2, 1), new BatchPlan(2, 500, 50).epochOrder(identity(100), 2, 1)));
    }

    @Test
    void fullBatchIsOneStep() {
        assertEquals(1, new BatchPlan(0, 60000, 0).stepsPerEpoch());
        assertEquals(1, new BatchPlan(0, 60000, 100000).stepsPerEpoch());
    }

    @Test
    void validationRowsAreDisjointFixedAndTheRightSize() {
        RowSplit split = new RowSplit(5, 0.1);
        int[] train = split.trainRows(1000, 0);
        int[] val = split.validationRows(1000, 0);
        assertEquals(900, train.length);
        assertEquals(100, val.length);
        boolean[] used = new boolean[1000];
        for (int i : train) {
            used[i] = true;
        }
        for (int i : val) {
            assertFalse(used[i], "row " + i + " both trains and validates");
        }
        assertArrayEquals(val, new RowSplit(5, 0.1).validationRows(1000, 0));
        assertFalse(Arrays.equals(val, split.validationRows(1000, 1)));
    }
}
