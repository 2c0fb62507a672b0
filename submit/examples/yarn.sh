#!/usr/bin/env bash
# EXAMPLE, NOT RUNNABLE HERE: this project has no YARN cluster to test against. It shows a
# stock spark-submit of the application jar to YARN; the same jar and command line are tested
# on a standalone cluster by src/test/java/io/sparkdigits/cluster/StandaloneClusterIT.java.
#
# What to adapt:
#   - SPARK_HOME: a Spark 4.2.x distribution built for Scala 2.13 (the jar is compiled against
#     Spark 4.2.0 and does not bundle Spark), and HADOOP_CONF_DIR pointing at the cluster's
#     Hadoop configuration (core-site.xml, yarn-site.xml).
#   - DATA and OUT: folders every executor can read (HDFS, S3A, ...); the model, the checkpoint
#     and the CSVs are Hadoop paths.
#   - Resources: 4 executors x 2 cores here. Keep --partitions a multiple of the total executor
#     cores (8) so every core has one partition; the model depends on --partitions, not on the
#     executor count, so the same options give the same model on any cluster size.
#   - --deploy-mode cluster runs the driver in the YARN application master: its output (the
#     epoch lines) is in `yarn logs -applicationId ...`. Use client to see it in this terminal.
#   - spark.yarn.maxAppAttempts=1: YARN would otherwise rerun a failed driver with the same
#     arguments, i.e. start training over. Resume explicitly instead: rerun this with --resume
#     (the checkpoint is written every epoch below).
# Nothing is needed for the Java 17 module options: Spark adds them to the driver and executors.
set -euo pipefail

: "${SPARK_HOME:?set SPARK_HOME to a Spark 4.2 (Scala 2.13) distribution}"
: "${HADOOP_CONF_DIR:?set HADOOP_CONF_DIR to the Hadoop configuration of the YARN cluster}"
DATA="${DATA:-hdfs:///data/mnist}"
OUT="${OUT:-hdfs:///user/$USER/spark-digits}"
JAR="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/target/spark-digits-0.1.0.jar"

exec "$SPARK_HOME/bin/spark-submit" \
  --master yarn \
  --deploy-mode cluster \
  --name spark-digits-train \
  --class io.sparkdigits.cli.Main \
  --driver-memory 4g \
  --num-executors 4 \
  --executor-cores 2 \
  --executor-memory 4g \
  --conf spark.yarn.maxAppAttempts=1 \
  "$JAR" \
  train \
  --train "$DATA/mnist_train.csv" \
  --test "$DATA/mnist_test.csv" \
  --model "$OUT/model" \
  --partitions 8 \
  --seed 42 \
  --checkpoint-every 1 \
  --checkpoint "$OUT/model-checkpoint" \
  --step-timeout 600 \
  "$@"
