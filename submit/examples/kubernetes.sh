#!/usr/bin/env bash
# EXAMPLE, NOT RUNNABLE HERE: this project has no Kubernetes cluster to test against. It shows a
# stock spark-submit of the application jar to Kubernetes; the same jar and command line are
# tested on a standalone cluster by src/test/java/io/sparkdigits/cluster/StandaloneClusterIT.java.
#
# What to adapt:
#   - SPARK_HOME: a local Spark 4.2.x distribution (Scala 2.13), used only to submit.
#   - K8S_API: the API server, as `kubectl cluster-info` prints it.
#   - IMAGE: a Spark 4.2.x / Scala 2.13 / Java 17+ image with the application jar added, e.g.
#         FROM apache/spark:<a 4.2.x Scala 2.13 tag>
#         COPY target/spark-digits-0.1.0.jar /opt/spark-digits/
#     The jar is then named local:///opt/spark-digits/... (a path inside the image).
#   - NAMESPACE and a service account that may create pods there (the driver creates the
#     executor pods): kubectl create serviceaccount spark -n NAMESPACE, plus a role binding
#     with the "edit" cluster role.
#   - DATA and OUT: storage every pod can reach. Object storage (s3a://) needs the hadoop-aws
#     jars in the image and credentials; a shared volume can be mounted instead with
#     spark.kubernetes.{driver,executor}.volumes.persistentVolumeClaim.* settings.
#   - Resources: 4 executors x 2 cores; keep --partitions a multiple of the total (8). The
#     model depends on --partitions only, so it is the same on any number of executors.
#   - The driver pod is not restarted when it fails (Spark's default): rerun with --resume to
#     continue from the last checkpoint. Its output: kubectl logs -n NAMESPACE <driver pod>.
# Nothing is needed for the Java 17 module options: Spark adds them to the driver and executors.
set -euo pipefail

: "${SPARK_HOME:?set SPARK_HOME to a Spark 4.2 (Scala 2.13) distribution}"
: "${K8S_API:?set K8S_API to the Kubernetes API server, e.g. https://10.0.0.1:6443}"
: "${IMAGE:?set IMAGE to a Spark 4.2 image containing /opt/spark-digits/spark-digits-0.1.0.jar}"
NAMESPACE="${NAMESPACE:-spark-digits}"
DATA="${DATA:-s3a://my-bucket/mnist}"
OUT="${OUT:-s3a://my-bucket/spark-digits}"

exec "$SPARK_HOME/bin/spark-submit" \
  --master "k8s://$K8S_API" \
  --deploy-mode cluster \
  --name spark-digits-train \
  --class io.sparkdigits.cli.Main \
  --conf spark.kubernetes.container.image="$IMAGE" \
  --conf spark.kubernetes.namespace="$NAMESPACE" \
  --conf spark.kubernetes.authenticate.driver.serviceAccountName=spark \
  --conf spark.driver.memory=4g \
  --conf spark.executor.instances=4 \
  --conf spark.executor.cores=2 \
  --conf spark.executor.memory=4g \
  local:///opt/spark-digits/spark-digits-0.1.0.jar \
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
