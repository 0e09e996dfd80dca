#!/usr/bin/env bash
# The pix2pix demo in one command: builds what it needs, starts the local stack (Kafka KRaft,
# S3Proxy, worker-train, worker-infer), trains a small colorization model on generated scenes,
# colorizes grayscale scenes (and one corrupt file), downloads the results and writes an HTML
# report. The last line of output is "Report: /absolute/path/report.html".
#
#   ./deploy/demo/run.sh [OUTPUT_DIR]        (default: deploy/demo/target/demo)
#
# Environment: DEMO_EPOCHS, DEMO_EPOCHS_DECAY, DEMO_TRAIN_IMAGES, DEMO_TEST_IMAGES,
# DEMO_TRAIN_TIMEOUT (seconds), DEMO_SKIP_BUILD=1 (use what is built), MAVEN_ARGS (extra mvn flags).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
OUT="$(mkdir -p "${1:-$ROOT/deploy/demo/target/demo}" && cd "${1:-$ROOT/deploy/demo/target/demo}" && pwd)"
CP="$ROOT/deploy/demo/target/pix2pix-demo.jar:$ROOT/deploy/demo/target/lib/*"
JAVA_FLAGS=(-Dai.djl.offline=true -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Djava.awt.headless=true
            -Dpix2pix.home="$ROOT")
DEMO_PID=""

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [ -n "$DEMO_PID" ] && kill -0 "$DEMO_PID" 2>/dev/null; then
    kill -TERM "$DEMO_PID" 2>/dev/null || true   # its shutdown hook stops the stack
    wait "$DEMO_PID" 2>/dev/null || true
  fi
  if [ -f "$OUT/stack/stack.json" ]; then        # still recorded: the JVM could not stop it
    echo "stopping the stack left in $OUT/stack" >&2
    java "${JAVA_FLAGS[@]}" -cp "$CP" dev.pix2pix.cli.Main stack down --dir "$OUT/stack" >&2 || true
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

START=$(date +%s)
if [ -z "${DEMO_SKIP_BUILD:-}" ]; then
  echo "== building: mvn -B -q -DskipTests install (demo, CLI, stack, workers)"
  (cd "$ROOT" && mvn -B -q -DskipTests ${MAVEN_ARGS:-} install \
      -pl deploy/demo,worker-train,worker-infer -am)
  echo "[build: $(( $(date +%s) - START )) s]"
fi
for w in worker-train worker-infer; do
  if [ ! -f "$ROOT/$w/target/quarkus-app/quarkus-run.jar" ]; then
    echo "DEMO FAILED: $w/target/quarkus-app/quarkus-run.jar was not built (is $w a Quarkus application yet?)" >&2
    exit 1
  fi
done

java "${JAVA_FLAGS[@]}" -cp "$CP" dev.pix2pix.demo.Demo "$OUT" &
DEMO_PID=$!
set +e
wait "$DEMO_PID"
RC=$?
set -e
DEMO_PID=""
exit "$RC"
