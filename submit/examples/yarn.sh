#!/usr/bin/env bash
# A stock spark-submit of the application jar to YARN. Tested: YarnIT
# (src/test/java/io/sparkdigits/cluster/YarnIT.java) runs this very script against Hadoop's
# in-process HDFS and YARN, in both deploy modes, for train, evaluate and predict; see
# docs/cluster.md for what that proves and what it does not.
#
#   submit/examples/yarn.sh                     # train on $DATA/mnist_train.csv into $OUT/model
#   submit/examples/yarn.sh --epochs 5          # the same, with more train options
#   submit/examples/yarn.sh COMMAND OPTIONS...  # any command, e.g.
#       submit/examples/yarn.sh evaluate --model hdfs:///m --data hdfs:///data/mnist_test.csv
#
# What to adapt:
#   - SPARK_HOME: a Spark 4.2.x distribution built for Scala 2.13 (the jar is compiled against
#     Spark 4.2.0 and does not bundle Spark), and HADOOP_CONF_DIR pointing at the cluster's
#     Hadoop configuration (core-site.xml, yarn-site.xml).
#   - DATA and OUT: folders every executor can read (HDFS, S3A, ...); the model, the checkpoint
#     and the CSVs are Hadoop paths.
#   - Resources (environment, defaults in brackets): NUM_EXECUTORS (4) x EXECUTOR_CORES (2),
#     EXECUTOR_MEMORY (4g), DRIVER_MEMORY (4g). Keep --partitions a multiple of the total
#     executor cores (8) so every core has one partition; the model depends on --partitions, not
#     on the executor count, so the same options give the same model on any cluster size.
#   - DEPLOY_MODE (cluster) runs the driver in the YARN application master: its output (the
#     epoch lines, or the one-line error) is in `yarn logs -applicationId ...`. Use client to see
#     it in this terminal. Either way YARN records the application as SUCCEEDED or FAILED.
#   - spark.yarn.maxAppAttempts=1: YARN would otherwise rerun a failed driver with the same
#     arguments, i.e. start training over. Resume explicitly instead: rerun this with --resume
#     (the checkpoint is written every epoch below).
#   - spark.authenticate=true: the driver, the application master and the executors prove a
#     shared secret to each other; YARN hands it out, nothing to configure. docs/cluster.md
#     lists the further settings a real deployment wants (encryption, UI ACLs).
# Nothing is needed for the Java 17 module options: Spark adds them to the driver and executors.
set -euo pipefail

: "${SPARK_HOME:?set SPARK_HOME to a Spark 4.2 (Scala 2.13) distribution}"
: "${HADOOP_CONF_DIR:?set HADOOP_CONF_DIR to the Hadoop configuration of the YARN cluster}"
DATA="${DATA:-hdfs:///data/mnist}"
OUT="${OUT:-hdfs:///user/${USER:-$(id -un)}/spark-digits}"
JAR="${JAR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/target/spark-digits-0.1.0.jar}"

if [[ $# -eq 0 || "$1" == --* ]]; then
  set -- train \
    --train "$DATA/mnist_train.csv" \
    --test "$DATA/mnist_test.csv" \
    --model "$OUT/model" \
    --partitions 8 \
    --seed 42 \
    --checkpoint-every 1 \
    --checkpoint "$OUT/model-checkpoint" \
    --step-timeout 600 \
    "$@"
fi

exec "$SPARK_HOME/bin/spark-submit" \
  --master yarn \
  --deploy-mode "${DEPLOY_MODE:-cluster}" \
  --name "spark-digits-$1" \
  --class io.sparkdigits.cli.Main \
  --driver-memory "${DRIVER_MEMORY:-4g}" \
  --num-executors "${NUM_EXECUTORS:-4}" \
  --executor-cores "${EXECUTOR_CORES:-2}" \
  --executor-memory "${EXECUTOR_MEMORY:-4g}" \
  --conf spark.yarn.maxAppAttempts=1 \
  --conf spark.authenticate=true \
  "$JAR" \
  "$@"
