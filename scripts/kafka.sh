#!/usr/bin/env bash
# A single-node Apache Kafka 3.9 broker in KRaft mode on 127.0.0.1, for Weir's tests and users.
#   scripts/kafka.sh fetch    copy the broker's jars from Maven Central into ~/.cache/weir/kafka/libs (once)
#   scripts/kafka.sh start    fetch if needed, format a fresh log dir, start, wait until it serves
#   scripts/kafka.sh stop     stop the broker started by `start`
#   scripts/kafka.sh status   print "running <port>" or "stopped"
# Environment: WEIR_KAFKA_PORT (default 9092), WEIR_KAFKA_DIR (default ~/.cache/weir/kafka/run), WEIR_CACHE_DIR,
# WEIR_KAFKA_HEAP (default 512m).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
# Outside the checkout, so clean clones (CI) on one machine share the download.
CACHE="${WEIR_CACHE_DIR:-$HOME/.cache/weir}/kafka"
LIBS="$CACHE/libs"
PORT="${WEIR_KAFKA_PORT:-9092}"
CPORT="$((PORT + 1))"
RUN="${WEIR_KAFKA_DIR:-$CACHE/run}"
PIDFILE="$RUN/broker.pid"

fetch() {
  if [ -f "$LIBS/.complete" ]; then return; fi
  echo "kafka: fetching Apache Kafka jars from Maven Central into $LIBS" >&2
  rm -rf "$LIBS"
  mvn -q -B -f "$ROOT/scripts/kafka/pom.xml" -Dmaven.repo.local="$CACHE/m2" \
    dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$LIBS" >&2
  touch "$LIBS/.complete"
}

running() { [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }

serving() { (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; }

start() {
  fetch
  if running; then echo "kafka: already running on 127.0.0.1:$PORT" >&2; return; fi
  rm -rf "$RUN/logs"; mkdir -p "$RUN/logs"
  cat > "$RUN/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$CPORT
listeners=PLAINTEXT://127.0.0.1:$PORT,CONTROLLER://127.0.0.1:$CPORT
advertised.listeners=PLAINTEXT://127.0.0.1:$PORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$RUN/logs
num.partitions=1
auto.create.topics.enable=true
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
# Short enough that tests of transaction timeouts and fencing do not wait minutes.
transaction.abort.timed.out.transaction.cleanup.interval.ms=1000
PROPS
  local cp="$LIBS/*"
  local id
  id="$(java -cp "$cp" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -1)"
  java -cp "$cp" kafka.tools.StorageTool format -t "$id" -c "$RUN/server.properties" >"$RUN/format.log" 2>&1
  nohup java -Xms128m -Xmx"${WEIR_KAFKA_HEAP:-512m}" -XX:+UseG1GC -Djava.awt.headless=true \
    -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Dorg.slf4j.simpleLogger.logFile="$RUN/broker.log" \
    -cp "$cp" kafka.Kafka "$RUN/server.properties" >"$RUN/stdout.log" 2>&1 &
  echo $! >"$PIDFILE"
  for _ in $(seq 1 120); do
    if serving; then echo "kafka: serving on 127.0.0.1:$PORT" >&2; return; fi
    if ! running; then echo "kafka: broker exited; see $RUN/broker.log" >&2; tail -20 "$RUN/broker.log" >&2 || true; exit 1; fi
    sleep 0.5
  done
  echo "kafka: broker did not listen on $PORT within 60 s" >&2
  exit 1
}

stop() {
  if running; then
    local pid; pid="$(cat "$PIDFILE")"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$PIDFILE"
}

case "${1:-}" in
  fetch) fetch ;;
  start) start ;;
  stop) stop ;;
  status) if running; then echo "running $PORT"; else echo stopped; fi ;;
  *) echo "usage: $0 fetch|start|stop|status" >&2; exit 2 ;;
esac
