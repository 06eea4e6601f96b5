// Every committed record of a topic, read with Kafka's own Java client (isolation.level =
// read_committed), one line each: partition, then key and value in base64 ("-" for null).
// Tests use it where a reader must honour aborted transactions exactly: kafkajs's
// read_committed consumer was seen delivering records of aborted transactions.
// Run: java -cp '<kafka libs>/*' ReadCommitted.java <bootstrap> <topic> (tests/support/kafka.ts
// compiles it once instead: run from source, it is compiled again every time).

import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

public class ReadCommitted {
  public static void main(String[] args) {
    Properties props = new Properties();
    props.put("bootstrap.servers", args[0]);
    props.put("isolation.level", "read_committed");
    props.put("enable.auto.commit", "false");
    // Closing waits for the fetch in flight, which the broker holds up to this long when the
    // reader is at the end: the default 500 ms made every read half a second longer.
    props.put("fetch.max.wait.ms", "50");
    props.put("key.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer");
    props.put("value.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer");
    Base64.Encoder b64 = Base64.getEncoder();
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(props)) {
      ArrayList<TopicPartition> parts = new ArrayList<>();
      c.partitionsFor(args[1]).forEach((p) -> parts.add(new TopicPartition(args[1], p.partition())));
      c.assign(parts);
      c.seekToBeginning(parts);
      var end = c.endOffsets(parts);
      // Read up to the last stable offset of every partition as it was when we started.
      while (parts.stream().anyMatch((p) -> c.position(p) < end.get(p))) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
          System.out.println(r.partition() + "\t" + (r.key() == null ? "-" : b64.encodeToString(r.key())) + "\t" + (r.value() == null ? "-" : b64.encodeToString(r.value())));
        }
      }
    }
  }
}
