#!/usr/bin/env bash
# CI: build the project image and run it the way the README does (a coordinator and a trusted
# worker container), then count pi(1e8) through the REST API. Needs root and Debian (apt-get).
# Installs docker.io and debootstrap when missing, starts dockerd when none runs (and stops only
# that one), makes the base image `node:20-bookworm-slim` from Debian packages and this
# machine's Node when no registry can provide it (kept for the next run), and removes every
# container and volume it created.
set -euo pipefail
cd "$(dirname "$0")/.."

BASE_IMAGE=node:20-bookworm-slim
IMAGE=prime-counter:ci
DEBIAN_MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
N=100000000
EXPECTED=5761455
RUN_ID="pc-ci-$$"
COORDINATOR="$RUN_ID-coordinator"
WORKER="$RUN_ID-worker"
VOLUME="$RUN_ID-data"
WORKER_TOKEN="ci-worker-token-$RUN_ID-$RANDOM$RANDOM"

STEP=setup
SCRIPT_START=$SECONDS
STEP_START=$SECONDS
WORK_DIR=$(mktemp -d)
STARTED_DOCKERD_PID=""
CREATED_CONTAINERS=()
CREATED_VOLUMES=()

step() {
  [ "$STEP" = setup ] || echo "container test: step '$STEP' took $((SECONDS - STEP_START)) s"
  STEP=$1
  STEP_START=$SECONDS
  echo "container test: $STEP"
}

fail() {
  echo "container test: step '$STEP' failed: $*" >&2
  exit 1
}

# Polls `$@` once a second until it succeeds or `deadline` seconds have passed.
wait_for() {
  local deadline=$1 what=$2
  shift 2
  local until=$((SECONDS + deadline))
  until "$@"; do
    [ "$SECONDS" -lt "$until" ] || fail "$what not reached within $deadline s"
    sleep 1
  done
}

cleanup() {
  local status=$?
  set +e
  for container in "${CREATED_CONTAINERS[@]}"; do
    if [ "$status" -ne 0 ]; then
      echo "--- last log lines of $container ---" >&2
      docker logs --tail 30 "$container" >&2 2>&1
    fi
    docker rm -f -v "$container" >/dev/null 2>&1
  done
  for volume in "${CREATED_VOLUMES[@]}"; do
    docker volume rm -f "$volume" >/dev/null 2>&1
  done
  if [ -n "$STARTED_DOCKERD_PID" ]; then
    kill "$STARTED_DOCKERD_PID" 2>/dev/null
    local until=$((SECONDS + 30))
    while kill -0 "$STARTED_DOCKERD_PID" 2>/dev/null && [ "$SECONDS" -lt "$until" ]; do sleep 1; done
  fi
  rm -rf "$WORK_DIR"
  echo "container test: total $((SECONDS - SCRIPT_START)) s"
  if [ "$status" -eq 0 ]; then
    echo "container test: 1 passed, 0 failed"
  else
    echo "container test: 0 passed, 1 failed (step '$STEP')"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

[ "$(id -u)" -eq 0 ] || fail "must run as root (apt-get, dockerd, debootstrap)"

step "install docker.io and debootstrap"
missing=()
command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
command -v curl >/dev/null 2>&1 || missing+=(curl)
if [ "${#missing[@]}" -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq || fail "apt-get update"
  apt-get install -y -qq "${missing[@]}" >/dev/null || fail "apt-get install ${missing[*]}"
fi
# Debian's client matches Debian's dockerd; another client earlier on PATH may speak a newer API.
if [ -x /usr/bin/docker ]; then docker() { /usr/bin/docker "$@"; }; fi

step "start dockerd"
if ! docker info >/dev/null 2>&1; then
  DOCKERD_LOG="$WORK_DIR/dockerd.log"
  dockerd >"$DOCKERD_LOG" 2>&1 &
  STARTED_DOCKERD_PID=$!
  docker_answers() {
    kill -0 "$STARTED_DOCKERD_PID" 2>/dev/null || { tail -20 "$DOCKERD_LOG" >&2; fail "dockerd exited"; }
    docker info >/dev/null 2>&1
  }
  wait_for 60 "docker info answering" docker_answers
  echo "container test: started dockerd (pid $STARTED_DOCKERD_PID)"
else
  echo "container test: dockerd already running"
fi

step "base image $BASE_IMAGE"
if docker image inspect "$BASE_IMAGE" >/dev/null 2>&1; then
  echo "container test: $BASE_IMAGE exists, kept"
else
  NODE_BIN=$(readlink -f "$(command -v node)") || fail "no node on this machine to copy"
  NPM_DIR=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")
  NODE_HEADERS=$(dirname "$NODE_BIN")/../include/node
  [ -d "$NODE_HEADERS" ] || NODE_HEADERS=/usr/include/node
  [ -f "$NODE_HEADERS/node.h" ] || fail "Node headers not found (include/node)"
  CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt
  [ -f "$CA_BUNDLE" ] || fail "no CA bundle at $CA_BUNDLE"
  ROOTFS="$WORK_DIR/rootfs"
  debootstrap --variant=minbase bookworm "$ROOTFS" "$DEBIAN_MIRROR" >"$WORK_DIR/debootstrap.log" 2>&1 \
    || { tail -20 "$WORK_DIR/debootstrap.log" >&2; fail "debootstrap"; }
  install -m 0755 "$NODE_BIN" "$ROOTFS/usr/local/bin/node"
  mkdir -p "$ROOTFS/usr/local/lib/node_modules" "$ROOTFS/usr/local/include"
  cp -a "$NPM_DIR" "$ROOTFS/usr/local/lib/node_modules/npm"
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$ROOTFS/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$ROOTFS/usr/local/bin/npx"
  cp -a "$NODE_HEADERS" "$ROOTFS/usr/local/include/node"
  mkdir -p "$ROOTFS/usr/local/share/ca-certificates"
  cp "$CA_BUNDLE" "$ROOTFS/usr/local/share/ca-certificates/host-ca-bundle.crt"
  # The official node images carry a `node` user (uid 1000); the Dockerfile runs as it.
  chroot "$ROOTFS" groupadd --gid 1000 node
  chroot "$ROOTFS" useradd --uid 1000 --gid node --shell /bin/bash --create-home node
  rm -rf "$ROOTFS"/var/cache/apt/archives/*.deb "$ROOTFS"/var/lib/apt/lists/*
  tar -C "$ROOTFS" -c . | docker import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV NODE_EXTRA_CA_CERTS=/usr/local/share/ca-certificates/host-ca-bundle.crt' \
    --change 'ENV npm_config_nodedir=/usr/local' \
    --change 'CMD ["node"]' \
    - "$BASE_IMAGE" >/dev/null || fail "docker import"
  rm -rf "$ROOTFS"
fi
docker run --rm --network none "$BASE_IMAGE" node -e 'process.exit(process.versions.node.startsWith("20.") ? 0 : 1)' \
  || fail "$BASE_IMAGE does not run Node 20"
docker run --rm --network none "$BASE_IMAGE" id node >/dev/null || fail "$BASE_IMAGE has no node user"

step "build $IMAGE"
docker build --network host -q -t "$IMAGE" . >"$WORK_DIR/build.log" 2>&1 \
  || { tail -40 "$WORK_DIR/build.log" >&2; fail "docker build"; }

step "start a coordinator and a worker container"
free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
API_PORT=$(free_port)
WEB_PORT=$(free_port)
while [ "$WEB_PORT" = "$API_PORT" ]; do WEB_PORT=$(free_port); done
echo "container test: API on 127.0.0.1:$API_PORT, page on 127.0.0.1:$WEB_PORT (host network)"
docker volume create --label prime-counter-ci="$RUN_ID" "$VOLUME" >/dev/null
CREATED_VOLUMES+=("$VOLUME")
CREATED_CONTAINERS+=("$COORDINATOR")
docker run -d --name "$COORDINATOR" --label prime-counter-ci="$RUN_ID" --network host \
  -v "$VOLUME:/data" -e API_HOST=127.0.0.1 -e API_PORT="$API_PORT" -e WEB_PORT="$WEB_PORT" \
  -e WORKER_TOKEN="$WORKER_TOKEN" "$IMAGE" >/dev/null || fail "docker run coordinator"
CREATED_CONTAINERS+=("$WORKER")
docker run -d --name "$WORKER" --label prime-counter-ci="$RUN_ID" --network host --no-healthcheck \
  -e WORKER_TOKEN="$WORKER_TOKEN" -e WORKER_CONCURRENCY=2 \
  "$IMAGE" node dist/worker.mjs --url "http://127.0.0.1:$API_PORT" >/dev/null || fail "docker run worker"

step "wait for the coordinator's HEALTHCHECK"
health() { docker inspect -f '{{.State.Health.Status}}' "$COORDINATOR" 2>/dev/null; }
is_healthy() {
  local status
  status=$(health)
  [ "$status" != unhealthy ] || fail "HEALTHCHECK reports unhealthy"
  [ "$(docker inspect -f '{{.State.Running}}' "$COORDINATOR")" = true ] || fail "coordinator exited"
  [ "$status" = healthy ]
}
wait_for 90 "HEALTHCHECK healthy" is_healthy
has_worker() { curl -fsS "http://127.0.0.1:$API_PORT/health" | grep -q '"workers":[1-9]'; }
wait_for 60 "the worker container connected" has_worker

step "count pi($N) over REST"
SUBMIT=$(curl -fsS -X POST -H 'content-type: application/json' \
  -d "{\"n\":$N,\"chunks\":8}" "http://127.0.0.1:$API_PORT/api/count-primes") || fail "POST /api/count-primes"
JOB_ID=$(node -e 'const b=JSON.parse(process.argv[1]); if (b.status !== "PENDING" || !b.job_id) process.exit(1); console.log(b.job_id)' "$SUBMIT") \
  || fail "unexpected submit answer: $SUBMIT"
JOB_FILE="$WORK_DIR/job.json"
job_ended() {
  curl -fsS "http://127.0.0.1:$API_PORT/api/jobs/$JOB_ID" >"$JOB_FILE" || fail "GET /api/jobs/$JOB_ID"
  node -e 'const s=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")).state; process.exit(["SUCCESS","FAILURE","REVOKED"].includes(s)?0:1)' "$JOB_FILE"
}
wait_for 120 "job $JOB_ID ended" job_ended
node -e '
  const job = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  if (job.state !== "SUCCESS" || job.result?.prime_count !== Number(process.argv[2])) {
    console.error("job:", JSON.stringify(job)); process.exit(1);
  }
  console.log(`container test: pi(${job.n}) = ${job.result.prime_count} in ${job.result.duration_sec} s`);
' "$JOB_FILE" "$EXPECTED" || fail "expected SUCCESS with prime_count $EXPECTED"

step "check the coordinator's processes"
[ "$(docker exec "$COORDINATOR" id -u)" != 0 ] || fail "the coordinator runs as root"
PID1=$(docker exec "$COORDINATOR" cat /proc/1/comm)
[ "$PID1" = tini ] || fail "PID 1 is '$PID1', not tini"
# tini's only child is the process the image starts (the exec'd shell's parent is outside).
CHILD=$(docker exec "$COORDINATOR" sh -c 'for p in /proc/[0-9]*; do grep -qx "PPid:[[:space:]]*1" "$p/status" 2>/dev/null && cat "$p/comm"; done')
[ "$CHILD" = node ] || fail "the process under tini is '$CHILD', not node"
echo "container test: uid $(docker exec "$COORDINATOR" id -u), PID 1 $PID1, process $CHILD"

step "docker stop both; exit codes 0"
docker stop -t 20 "$WORKER" >/dev/null || fail "docker stop worker"
docker stop -t 20 "$COORDINATOR" >/dev/null || fail "docker stop coordinator"
for container in "$WORKER" "$COORDINATOR"; do
  code=$(docker inspect -f '{{.State.ExitCode}}' "$container")
  [ "$code" = 0 ] || fail "$container exited with $code after docker stop"
done

step "done"
