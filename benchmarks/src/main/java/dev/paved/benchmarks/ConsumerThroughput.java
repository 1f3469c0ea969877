package dev.paved.benchmarks;

import dev.paved.core.Platform;
import dev.paved.messaging.Events;
import dev.paved.test.KafkaBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Records per second through Paved's consumer runtime against a hand-written {@code KafkaConsumer}
 * poll loop (commit after each batch, as at-least-once needs) doing the same handler work, on the
 * same broker (KafkaBroker: one KRaft node on loopback), the handler parsing each event's JSON with
 * Jackson, in interleaved rounds, each on a fresh
 * consumer group over the same records. Paved's runs are fully instrumented (a CONSUMER span per
 * record, sampled, into the in-process buffer; metrics; the messaging SLO hook).
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.paved.benchmarks.ConsumerThroughput [records] [rounds] [handler-io-micros] [handler-cpu-micros]</pre>
 *
 * With {@code handler-io-micros} above 0 the handler also waits that long per record (parked, as
 * for a database write), on both sides; with {@code handler-cpu-micros} above 0 it also keeps the
 * CPU busy that long per record (as a handler that transforms or computes does). Besides the bare hand-written loop, the same loop with a
 * hand-wired span and timer per record ({@link HandWired}). {@code -Dpaved.only=1} runs Paved's
 * runtime alone, round after round (for a profiler; {@code -Dpaved.ratio=0}: no trace sampled).
 */
public final class ConsumerThroughput {
  private ConsumerThroughput() {}

  public static void main(String[] args) throws Exception {
    int records = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    ioNanos = args.length > 2 ? TimeUnit.MICROSECONDS.toNanos(Long.parseLong(args[2])) : 0;
    cpuNanos = args.length > 3 ? TimeUnit.MICROSECONDS.toNanos(Long.parseLong(args[3])) : 0;
    try (KafkaBroker broker = KafkaBroker.start()) {
      Properties ap = new Properties();
      ap.put("bootstrap.servers", broker.bootstrapServers());
      try (Admin admin = Admin.create(ap)) {
        admin.createTopics(List.of(new NewTopic("bench", 4, (short) 1))).all().get(60, TimeUnit.SECONDS);
      }
      Properties pp = new Properties();
      pp.put("bootstrap.servers", broker.bootstrapServers());
      pp.put("linger.ms", "10");
      pp.put("batch.size", "262144");
      try (KafkaProducer<String, String> producer = new KafkaProducer<>(pp, new StringSerializer(), new StringSerializer())) {
        for (int i = 0; i < records; i++) {
          producer.send(new ProducerRecord<>("bench", String.valueOf(i), "{\"type\":\"order-viewed\",\"orderId\":\"" + i + "\"}"));
        }
        producer.flush();
      }
      if (System.getProperty("paved.only") != null) { // for a profiler: Paved's runtime alone, round after round
        for (int round = 1; round <= rounds; round++) {
          System.out.printf("Paved alone, round %d: %,.0f records/s%n", round, paved(broker.bootstrapServers(), "alone-" + round, records, System.getProperty("paved.ratio", "1.0"), 1));
        }
        return;
      }
      // A warm-up round of each, not counted: the JIT and the broker's page cache.
      handWritten(broker.bootstrapServers(), "warm-hand", records);
      handWired(broker.bootstrapServers(), "warm-wired", records);
      paved(broker.bootstrapServers(), "warm-paved", records, "1.0", 1);
      List<Double> paved = new ArrayList<>();
      List<Double> unsampled = new ArrayList<>();
      List<Double> two = new ArrayList<>();
      List<Double> hand = new ArrayList<>();
      List<Double> wired = new ArrayList<>();
      for (int round = 1; round <= rounds; round++) {
        double h = handWritten(broker.bootstrapServers(), "hand-" + round, records);
        double w = handWired(broker.bootstrapServers(), "wired-" + round, records);
        double p = paved(broker.bootstrapServers(), "paved-" + round, records, "1.0", 1);
        double u = paved(broker.bootstrapServers(), "unsampled-" + round, records, "0", 1);
        double t = paved(broker.bootstrapServers(), "two-" + round, records, "1.0", 2);
        hand.add(h);
        wired.add(w);
        paved.add(p);
        unsampled.add(u);
        two.add(t);
        System.out.printf(
            "round %d: hand-written %,.0f records/s; hand-written + hand-wired span and timer %,.0f (%.2fx); Paved %,.0f (%.2fx; %.2fx the hand-wired);"
                + " no trace sampled %,.0f (%.2fx); concurrency 2 %,.0f (%.2fx)%n",
            round, h, w, w / h, p, p / h, p / w, u, u / h, t, t / h);
      }
      double mh = median(hand);
      double mw = median(wired);
      double mp = median(paved);
      double mu = median(unsampled);
      double mt = median(two);
      System.out.printf(
          "median of %d rounds, %,d records: hand-written %,.0f records/s; hand-wired %,.0f (%.2fx); Paved %,.0f (%.2fx; %.2fx the hand-wired); no trace sampled %,.0f (%.2fx);"
              + " concurrency 2 %,.0f (%.2fx)%n",
          rounds, records, mh, mw, mw / mh, mp, mp / mh, mp / mw, mu, mu / mh, mt, mt / mh);
    }
  }

  private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

  private static long ioNanos;
  private static long cpuNanos;

  /** The same handler work on both sides: parse the event, as examples/event-consumer does (and wait for "I/O", or compute). */
  private static long work(ConsumerRecord<String, String> r) {
    if (ioNanos > 0) {
      java.util.concurrent.locks.LockSupport.parkNanos(ioNanos);
    }
    if (cpuNanos > 0) {
      long until = System.nanoTime() + cpuNanos;
      while (System.nanoTime() < until) {
        Thread.onSpinWait(); // busy, as computing is: the thread keeps its core
      }
    }
    try {
      return JSON.readTree(r.value()).path("orderId").asText().length();
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /**
   * The same span and timer per record as Paved's, wired by hand on the same OpenTelemetry SDK and
   * Micrometer registry (a platform with the observability module only, every trace sampled, into
   * the same in-process buffer): what the hand-written loop costs with the telemetry a team would
   * add to it (the "hand-wired baseline" of the other benchmarks).
   */
  private record HandWired(io.opentelemetry.api.trace.Tracer tracer, io.opentelemetry.context.propagation.TextMapPropagator propagator, io.micrometer.core.instrument.Timer timer) {
    void process(ConsumerRecord<String, String> r, String group, AtomicLong sink) {
      io.opentelemetry.context.Context parent = propagator.extract(io.opentelemetry.context.Context.root(), r.headers(), GETTER);
      io.opentelemetry.api.trace.Span span =
          tracer.spanBuilder("process " + r.topic())
              .setSpanKind(io.opentelemetry.api.trace.SpanKind.CONSUMER)
              .setParent(parent)
              .setAttribute("messaging.system", "kafka")
              .setAttribute("messaging.destination.name", r.topic())
              .setAttribute("messaging.operation.type", "process")
              .setAttribute("messaging.operation.name", "process")
              .setAttribute("messaging.destination.partition.id", r.partition())
              .setAttribute("messaging.kafka.offset", r.offset())
              .setAttribute("messaging.consumer.group.name", group)
              .startSpan();
      long start = System.nanoTime();
      try (io.opentelemetry.context.Scope s = span.makeCurrent()) {
        sink.addAndGet(work(r));
      } finally {
        timer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        span.end();
      }
    }
  }

  private static final io.opentelemetry.context.propagation.TextMapGetter<org.apache.kafka.common.header.Headers> GETTER =
      new io.opentelemetry.context.propagation.TextMapGetter<>() {
        @Override
        public Iterable<String> keys(org.apache.kafka.common.header.Headers carrier) {
          List<String> keys = new ArrayList<>();
          carrier.forEach(h -> keys.add(h.key()));
          return keys;
        }

        @Override
        public @org.jspecify.annotations.Nullable String get(org.apache.kafka.common.header.@org.jspecify.annotations.Nullable Headers carrier, String key) {
          org.apache.kafka.common.header.Header h = carrier == null ? null : carrier.lastHeader(key);
          return h == null || h.value() == null ? null : new String(h.value(), java.nio.charset.StandardCharsets.UTF_8);
        }
      };

  private static double handWired(String servers, String group, int records) {
    try (Platform platform =
        dev.paved.test.TestPlatforms.builder()
            .serviceName("bench")
            .module(new dev.paved.observability.ObservabilityModule())
            .property("platform.observability.metrics.jvm", "false")
            .start()) {
      dev.paved.observability.Observability obs = dev.paved.observability.Observability.of(platform);
      HandWired wired =
          new HandWired(
              obs.tracer(),
              obs.propagators().getTextMapPropagator(),
              io.micrometer.core.instrument.Timer.builder("bench.process.duration").tag("messaging.destination.name", "bench").register(obs.meterRegistry()));
      return handWritten(servers, group, records, wired);
    }
  }

  private static double handWritten(String servers, String group, int records) {
    return handWritten(servers, group, records, null);
  }

  private static double handWritten(String servers, String group, int records, @org.jspecify.annotations.Nullable HandWired wired) {
    Properties p = new Properties();
    p.put("bootstrap.servers", servers);
    p.put("group.id", group);
    p.put("enable.auto.commit", "false");
    p.put("auto.offset.reset", "earliest");
    AtomicLong sink = new AtomicLong();
    long seen = 0;
    long start = 0;
    try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
      c.subscribe(List.of("bench"));
      while (seen < records) {
        ConsumerRecords<String, String> batch = c.poll(Duration.ofMillis(200));
        if (batch.isEmpty()) {
          continue;
        }
        if (start == 0) {
          start = System.nanoTime();
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = new java.util.HashMap<>();
        for (ConsumerRecord<String, String> r : batch) {
          if (wired != null) {
            wired.process(r, group, sink);
          } else {
            sink.addAndGet(work(r));
          }
          offsets.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
          seen++;
        }
        c.commitAsync(offsets, null);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      c.commitSync();
      return records / seconds;
    }
  }

  private static double paved(String servers, String group, int records, String samplerRatio, int concurrency) throws Exception {
    AtomicLong sink = new AtomicLong();
    AtomicLong seen = new AtomicLong();
    AtomicLong first = new AtomicLong();
    try (Platform platform =
        // Every module on the class path, with the kit's test defaults (loopback admin, no hook, no drain).
        dev.paved.test.TestPlatforms.withDiscovery()
            .serviceName("bench")
            .property("platform.observability.metrics.jvm", "false")
            .property("platform.messaging.kafka.bootstrap-servers", servers)
            .property("platform.observability.traces.sampler-ratio", samplerRatio)
            .property("platform.messaging.consumer.concurrency", String.valueOf(concurrency))
            .start()) {
      Events.of(platform)
          .consumer(group, new StringDeserializer(), new StringDeserializer())
          .topics("bench")
          .handler(r -> {
            first.compareAndSet(0, System.nanoTime());
            sink.addAndGet(work(r));
            seen.incrementAndGet();
          })
          .start();
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
      while (seen.get() < records && System.nanoTime() < deadline) {
        Thread.sleep(1);
      }
      return records / ((System.nanoTime() - first.get()) / 1e9);
    }
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(sorted.size() / 2);
  }
}
