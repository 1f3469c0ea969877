package dev.paved.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.paved.core.ConfigException;
import dev.paved.core.HealthReport;
import dev.paved.core.HealthStatus;
import dev.paved.core.Platform;
import dev.paved.observability.Observability;
import dev.paved.observability.ObservabilityModule;
import dev.paved.test.KafkaBroker;
import dev.paved.test.LogCapture;
import dev.paved.test.TestPlatforms;
import dev.paved.test.TestTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The consumer runtime against a real Kafka broker (KRaft, one node, started by the test from the
 * Kafka server on the class path).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EventConsumerTest {
  private static KafkaBroker broker;
  private static Admin admin;

  @BeforeAll
  static void startBroker() {
    broker = KafkaBroker.start();
    admin = broker.admin();
  }

  @AfterAll
  static void stopBroker() {
    if (admin != null) {
      admin.close(Duration.ofSeconds(5));
    }
    if (broker != null) {
      broker.close();
    }
  }

  private static Platform platform(String... properties) {
    Platform.Builder b =
        TestPlatforms.builder()
            .serviceName("consumer-test")
            .module(new ObservabilityModule())
            .module(new MessagingModule())
            .property("platform.messaging.kafka.bootstrap-servers", broker.bootstrapServers())
            .property("platform.messaging.consumer.backoff.initial-delay", "10ms")
            .property("platform.messaging.consumer.backoff.max-delay", "50ms")
            .property("platform.shutdown.timeout", "10s");
    for (int i = 0; i < properties.length; i += 2) {
      b.property(properties[i], properties[i + 1]);
    }
    return b.start();
  }

  private static void createTopic(String topic, int partitions) {
    broker.createTopic(topic, partitions);
  }

  private static KafkaProducer<String, String> producer() {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "120000");
    return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
  }

  private static void produce(String topic, int from, int to) throws Exception {
    try (KafkaProducer<String, String> producer = producer()) {
      for (int i = from; i < to; i++) {
        producer.send(new ProducerRecord<>(topic, "key-" + i, "id-" + i));
      }
      producer.flush();
    }
  }

  /** The group's committed offsets, from the broker. */
  private static Map<TopicPartition, Long> committed(String group) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
    Map<TopicPartition, Long> result = new HashMap<>();
    offsets.forEach((tp, o) -> {
      if (o != null) {
        result.put(tp, o.offset());
      }
    });
    return result;
  }

  /** The topic's log end offsets, from the broker. */
  private static Map<TopicPartition, Long> endOffsets(String topic, int partitions) throws Exception {
    Map<TopicPartition, OffsetSpec> request = new HashMap<>();
    for (int p = 0; p < partitions; p++) {
      request.put(new TopicPartition(topic, p), OffsetSpec.latest());
    }
    Map<TopicPartition, Long> result = new HashMap<>();
    admin.listOffsets(request).all().get(10, TimeUnit.SECONDS).forEach((tp, info) -> result.put(tp, info.offset()));
    return result;
  }

  private static List<ConsumerRecord<String, String>> readAll(String topic, int expected) {
    return broker.read(topic, expected);
  }

  private static String header(ConsumerRecord<?, ?> r, String key) {
    Header h = r.headers().lastHeader(key);
    return h == null ? "(absent)" : new String(h.value(), StandardCharsets.UTF_8);
  }

  @Test
  void continuesTheProducersTraceAndCommitsAfterTheHandler() throws Exception {
    createTopic("traced", 1);
    try (Platform platform = platform()) {
      TestTelemetry telemetry = TestTelemetry.of(platform);
      Observability obs = Observability.of(platform);
      EventProducer<String, String> producer = Events.of(platform).producer(new StringSerializer(), new StringSerializer());
      Span parent = obs.tracer().spanBuilder("checkout").startSpan();
      try (Scope s = parent.makeCurrent()) {
        producer.send("traced", "order-1", "id-1").get(30, TimeUnit.SECONDS);
      } finally {
        parent.end();
      }
      String producerTrace = parent.getSpanContext().getTraceId();
      List<String> seen = Collections.synchronizedList(new ArrayList<>());
      List<String> handlerTraces = Collections.synchronizedList(new ArrayList<>());
      Events.of(platform)
          .consumer("traced-consumer", new StringDeserializer(), new StringDeserializer())
          .topics("traced")
          .handler(r -> {
            seen.add(r.value());
            handlerTraces.add(Span.current().getSpanContext().getTraceId());
          })
          .start();

      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> seen.size() == 1);
      SpanData process = telemetry.awaitSpan("process traced", SpanKind.CONSUMER);
      SpanData send = telemetry.awaitSpan("send traced", SpanKind.PRODUCER);
      assertThat(process.getTraceId()).isEqualTo(producerTrace).isEqualTo(handlerTraces.get(0));
      assertThat(process.getParentSpanId()).isEqualTo(send.getSpanId());
      assertThat(process.getAttributes().get(AttributeKey.stringKey("messaging.consumer.group.name"))).isEqualTo("traced-consumer");
      assertThat(process.getAttributes().get(AttributeKey.longKey("messaging.kafka.offset"))).isZero();
      assertThat(process.getAttributes().get(AttributeKey.stringKey("messaging.destination.name"))).isEqualTo("traced");
      telemetry.awaitCount(1, "messaging.process.duration", "messaging.destination.name", "traced", "error.type", "");
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> committed("traced-consumer").getOrDefault(new TopicPartition("traced", 0), -1L) == 1L);
      assertThat(readiness(platform, "kafka-consumer-traced-consumer")).isEqualTo(HealthStatus.UP);
    }
  }

  @Test
  void aPoisonRecordGoesToTheDeadLetterTopicWithItsHeadersAndTheRecordsAfterItAreProcessed() throws Exception {
    createTopic("payments", 1);
    try (KafkaProducer<String, String> producer = producer()) {
      producer.send(new ProducerRecord<>("payments", "k", "ok-1"));
      producer.send(new ProducerRecord<>("payments", "k", "poison"));
      producer.send(new ProducerRecord<>("payments", "k", "garbage"));
      producer.send(new ProducerRecord<>("payments", "k", "ok-2"));
      producer.flush();
    }
    Deserializer<String> strict = (topic, data) -> {
      String s = new String(data, StandardCharsets.UTF_8);
      if (s.equals("garbage")) {
        throw new SerializationException("not a payment: " + s);
      }
      return s;
    };
    Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
    List<String> done = Collections.synchronizedList(new ArrayList<>());
    try (Platform platform = platform()) {
      TestTelemetry telemetry = TestTelemetry.of(platform);
      Events.of(platform)
          .consumer("payments-consumer", new StringDeserializer(), strict)
          .topics("payments")
          .handler(r -> {
            attempts.computeIfAbsent(r.value(), v -> new AtomicInteger()).incrementAndGet();
            if (r.value().equals("poison")) {
              throw new IllegalStateException("cannot settle payment for card 4111-1111");
            }
            done.add(r.value());
          })
          .start();

      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> done.size() == 2);
      assertThat(done).containsExactly("ok-1", "ok-2");
      assertThat(attempts.get("poison")).hasValue(3); // platform.messaging.consumer.max-attempts
      assertThat(attempts).doesNotContainKey("garbage"); // never handed to the handler, never retried

      List<ConsumerRecord<String, String>> dead = readAll("payments.dlt", 2);
      assertThat(dead).extracting(ConsumerRecord::value).containsExactly("poison", "garbage");
      ConsumerRecord<String, String> poison = dead.get(0);
      assertThat(header(poison, DeadLetters.ORIGINAL_TOPIC)).isEqualTo("payments");
      assertThat(header(poison, DeadLetters.ORIGINAL_PARTITION)).isEqualTo("0");
      assertThat(header(poison, DeadLetters.ORIGINAL_OFFSET)).isEqualTo("1");
      assertThat(header(poison, DeadLetters.EXCEPTION_CLASS)).isEqualTo("java.lang.IllegalStateException");
      assertThat(header(poison, DeadLetters.EXCEPTION_MESSAGE)).isEqualTo("cannot settle payment for card 4111-1111");
      assertThat(header(poison, DeadLetters.ATTEMPTS)).isEqualTo("3");
      assertThat(header(poison, DeadLetters.GROUP)).isEqualTo("payments-consumer");
      assertThat(poison.key()).isEqualTo("k");
      ConsumerRecord<String, String> garbage = dead.get(1);
      assertThat(header(garbage, DeadLetters.ORIGINAL_OFFSET)).isEqualTo("2");
      assertThat(header(garbage, DeadLetters.EXCEPTION_CLASS)).isEqualTo(SerializationException.class.getName());
      assertThat(header(garbage, DeadLetters.ATTEMPTS)).isEqualTo("0");

      assertThat(telemetry.count(EventConsumer.DEAD_LETTERS)).isEqualTo(2);
      assertThat(telemetry.count(EventConsumer.RETRIES)).isEqualTo(2);
      SpanData failed = telemetry.awaitSpan(s -> s.getName().equals("process payments") && !s.getEvents().isEmpty(), "the poison record's span");
      assertThat(failed.getEvents()).extracting(e -> e.getName()).contains("retry", "retry");
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> committed("payments-consumer").getOrDefault(new TopicPartition("payments", 0), -1L) == 4L);
    }
  }

  @Test
  void aSecretInTheErrorMessageIsMaskedOnTheDeadLetterTopic() throws Exception {
    createTopic("masked", 1);
    produce("masked", 0, 1);
    try (Platform platform = platform()) {
      platform.redaction().register("s3cr3t-token-value");
      Events.of(platform)
          .consumer("masked-consumer", new StringDeserializer(), new StringDeserializer())
          .topics("masked")
          .maxAttempts(1)
          .handler(r -> {
            throw new IllegalStateException("upstream refused token s3cr3t-token-value");
          })
          .start();
      List<ConsumerRecord<String, String>> dead = readAll("masked.dlt", 1);
      assertThat(header(dead.get(0), DeadLetters.EXCEPTION_MESSAGE)).isEqualTo("upstream refused token ******").doesNotContain("s3cr3t");
    }
  }

  @Test
  void anErrorThrownByTheHandlerIsDeadLetteredNotCommittedAsDone() throws Exception {
    createTopic("errors", 1);
    produce("errors", 0, 2);
    List<String> done = Collections.synchronizedList(new ArrayList<>());
    try (Platform platform = platform()) {
      Events.of(platform)
          .consumer("errors-consumer", new StringDeserializer(), new StringDeserializer())
          .topics("errors")
          .handler(r -> {
            if (r.value().equals("id-0")) {
              throw new AssertionError("a bug in the handler");
            }
            done.add(r.value());
          })
          .start();
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> done.size() == 1);
      List<ConsumerRecord<String, String>> dead = readAll("errors.dlt", 1);
      assertThat(dead).singleElement().satisfies(r -> {
        assertThat(r.value()).isEqualTo("id-0");
        assertThat(header(r, DeadLetters.EXCEPTION_CLASS)).isEqualTo("java.lang.AssertionError");
        assertThat(header(r, DeadLetters.ATTEMPTS)).isEqualTo("1"); // an Error is not retried
      });
    }
  }

  @Test
  void aBrokerKilledMidStreamAndRestartedLosesNoRecord() throws Exception {
    createTopic("restart", 2);
    produce("restart", 0, 200);
    Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();
    try (Platform platform = platform("platform.messaging.consumer.max-poll-records", "20")) {
      Events.of(platform)
          .consumer("restart-consumer", new StringDeserializer(), new StringDeserializer())
          .topics("restart")
          .handler(r -> {
            seen.computeIfAbsent(r.value(), v -> new AtomicInteger()).incrementAndGet();
            Thread.sleep(2);
          })
          .start();
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> seen.size() >= 50);

      broker.kill();
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(() -> assertThat(readiness(platform, "kafka-consumer-restart-consumer"))
              .isEqualTo(HealthStatus.DEGRADED));
      assertThat(platform.isClosed()).isFalse();
      broker.restart();
      produce("restart", 200, 300);

      Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> seen.size() == 300);
      Set<String> expected = new java.util.HashSet<>();
      for (int i = 0; i < 300; i++) {
        expected.add("id-" + i);
      }
      assertThat(seen.keySet()).isEqualTo(expected);
      long duplicates = seen.values().stream().mapToInt(AtomicInteger::get).filter(n -> n > 1).count();
      // Redelivered at most what was handled and not yet committed: within one window per partition.
      assertThat(duplicates).isLessThanOrEqualTo(2 * 20);
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(() -> assertThat(readiness(platform, "kafka-consumer-restart-consumer"))
              .isEqualTo(HealthStatus.UP));
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> committed("restart-consumer").equals(endOffsets("restart", 2)));
    } finally {
      if (!broker.isRunning()) {
        broker.restart();
      }
    }
  }

  @Test
  void twoConsumersInOneGroupRebalanceAndEveryRecordIsProcessedAndCommitted() throws Exception {
    createTopic("rebalance", 4);
    produce("rebalance", 0, 400);
    Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();
    Map<String, Set<String>> byConsumer = new ConcurrentHashMap<>();
    RecordHandler<String, String> handler = r -> {
      seen.computeIfAbsent(r.value(), v -> new AtomicInteger()).incrementAndGet();
      byConsumer.computeIfAbsent(Thread.currentThread().getName().replaceAll("-\\d+$", ""), k -> ConcurrentHashMap.newKeySet()).add(r.value());
      Thread.sleep(5);
    };
    try (Platform first = platform("platform.messaging.consumer.max-poll-records", "10");
        Platform second = platform("platform.messaging.consumer.max-poll-records", "10")) {
      Events.of(first).consumer("rebalance-a", new StringDeserializer(), new StringDeserializer()).group("rebalance-group").topics("rebalance").handler(handler).start();
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> seen.size() >= 60);
      EventConsumer<String, String> b =
          Events.of(second).consumer("rebalance-b", new StringDeserializer(), new StringDeserializer()).group("rebalance-group").topics("rebalance").handler(handler).start();
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !b.assignment().isEmpty());
      produce("rebalance", 400, 500);

      Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> seen.size() == 500);
      assertThat(byConsumer.keySet()).containsExactlyInAnyOrder("paved-consumer-rebalance-a", "paved-consumer-rebalance-b");
      long duplicates = seen.values().stream().mapToInt(AtomicInteger::get).filter(n -> n > 1).count();
      // Commits on revoke: nothing already handled by the first consumer is handled again.
      assertThat(duplicates).isZero();
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> committed("rebalance-group").equals(endOffsets("rebalance", 4)));
    }
  }

  @Test
  void theLagMetricEqualsTheBrokersNumbers() throws Exception {
    createTopic("lagging", 2);
    produce("lagging", 0, 100);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger handled = new AtomicInteger();
    try (Platform platform = platform("platform.messaging.consumer.max-poll-records", "5")) {
      TestTelemetry telemetry = TestTelemetry.of(platform);
      EventConsumer<String, String> consumer =
          Events.of(platform)
              .consumer("lag-consumer", new StringDeserializer(), new StringDeserializer())
              .topics("lagging")
              .handler(r -> {
                if (handled.incrementAndGet() > 12) {
                  release.await();
                }
              })
              .start();
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> handled.get() > 12);
      Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(() -> {
            Map<TopicPartition, Long> end = endOffsets("lagging", 2);
            Map<TopicPartition, Long> committed = committed("lag-consumer");
            Map<TopicPartition, Long> brokerLag = new HashMap<>();
            end.forEach((tp, e) -> brokerLag.put(tp, e - committed.getOrDefault(tp, 0L)));
            assertThat(consumer.lag()).isEqualTo(brokerLag);
            for (var e : brokerLag.entrySet()) {
              assertThat(telemetry.meters(EventConsumer.LAG, "messaging.destination.name", "lagging", "messaging.destination.partition.id", String.valueOf(e.getKey().partition())))
                  .singleElement()
                  .satisfies(m -> assertThat(m.measure().iterator().next().getValue()).isEqualTo(e.getValue().doubleValue()));
            }
            double total = brokerLag.values().stream().mapToLong(Long::longValue).sum();
            assertThat(total).isGreaterThan(0);
            assertThat(telemetry.meters(EventConsumer.GROUP_LAG, "messaging.consumer.group.name", "lag-consumer"))
                .singleElement()
                .satisfies(m -> assertThat(m.measure().iterator().next().getValue()).isEqualTo(total));
          });
      release.countDown();
    }
  }

  @Test
  void aHandlerSlowerThanMaxPollIntervalKeepsItsPartitions() throws Exception {
    createTopic("slow", 1);
    produce("slow", 0, 3);
    List<String> done = Collections.synchronizedList(new ArrayList<>());
    try (LogCapture logs = LogCapture.of(EventConsumer.class).start();
        Platform platform = platform()) {
      Events.of(platform)
          .consumer("slow-consumer", new StringDeserializer(), new StringDeserializer())
          .topics("slow")
          .property("max.poll.interval.ms", "2000")
          .handler(r -> {
            if (r.value().equals("id-0")) {
              Thread.sleep(5_000); // two and a half poll intervals
            }
            done.add(r.value());
          })
          .start();
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> done.size() == 3);
      assertThat(done).containsExactly("id-0", "id-1", "id-2");
      assertThat(logs.lines()).extracting(LogCapture.Line::message).noneMatch(m -> m.contains("revoked") || m.contains("lost"));
    }
  }

  @Test
  void shutdownDuringABurstFinishesTheRecordsInProgressCommitsAndLeavesTheGroup() throws Exception {
    createTopic("burst", 2);
    produce("burst", 0, 1000);
    AtomicInteger handled = new AtomicInteger();
    List<String> after = Collections.synchronizedList(new ArrayList<>());
    java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
    try (LogCapture logs = LogCapture.of(EventConsumer.class).start()) {
      Platform platform = platform("platform.messaging.consumer.concurrency", "2");
      Events.of(platform)
          .consumer("burst-consumer", new StringDeserializer(), new StringDeserializer())
          .topics("burst")
          .handler(r -> {
            Thread.sleep(10);
            handled.incrementAndGet();
            if (closed.get()) {
              after.add(r.value());
            }
          })
          .start();
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> handled.get() >= 100);
      long start = System.nanoTime();
      platform.close();
      closed.set(true);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
      assertThat(after).isEmpty(); // nothing handled once close() returned
      Map<TopicPartition, Long> committed = committed("burst-consumer");
      long total = committed.values().stream().mapToLong(Long::longValue).sum();
      assertThat(total).isEqualTo(handled.get()).isLessThan(1000);
      assertThat(logs.lines())
          .extracting(LogCapture.Line::message)
          .filteredOn(m -> m.startsWith("Kafka consumer 'burst-consumer': shutdown step"))
          .map(m -> m.replaceAll(" finished in \\d+ ms", ""))
          .containsExactly(
              "Kafka consumer 'burst-consumer': shutdown step 'stop-polling'",
              "Kafka consumer 'burst-consumer': shutdown step 'finish'",
              "Kafka consumer 'burst-consumer': shutdown step 'commit'",
              "Kafka consumer 'burst-consumer': shutdown step 'leave-group'");
      // Left the group: its members are gone at once, not after the session timeout.
      Awaitility.await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> java.util.Objects.requireNonNull(admin.describeConsumerGroups(List.of("burst-consumer")).all().get().get("burst-consumer")).members().isEmpty());
    }
  }

  /**
   * A fast handler under a flood of records: at most one asynchronous commit is in flight at a
   * time (committing after every poll regardless queued over a thousand at the coordinator at a
   * million records, and the shutdown's commit then timed out), yet commits go on during the
   * flood, and at the end everything handled is committed with no commit failing.
   */
  @Test
  void aFloodOfRecordsKeepsOneCommitInFlightAndCommitsEverything() throws Exception {
    int records = 200_000;
    createTopic("flood", 4);
    try (KafkaProducer<String, String> producer = producer()) {
      for (int i = 0; i < records; i++) {
        producer.send(new ProducerRecord<>("flood", null, "id-" + i));
      }
      producer.flush();
    }
    AtomicInteger handled = new AtomicInteger();
    try (LogCapture logs = LogCapture.of(EventConsumer.class).start()) {
      Platform platform = platform();
      EventConsumer<String, String> consumer;
      try {
        consumer =
            Events.of(platform)
                .consumer("flood-consumer", new StringDeserializer(), new StringDeserializer())
                .topics("flood")
                .handler(r -> handled.incrementAndGet())
                .start();
        Awaitility.await().atMost(Duration.ofSeconds(90)).until(() -> handled.get() >= records);
      } finally {
        platform.close();
      }
      assertThat(consumer.mostCommitsInFlight()).as("most commits in flight at once").isEqualTo(1);
      assertThat(consumer.commitsSent()).as("commits sent during the flood").isGreaterThan(10);
      assertThat(committed("flood-consumer").values().stream().mapToLong(Long::longValue).sum()).isEqualTo(records);
      // No commit failed or timed out, nothing will be redelivered, the consumer stopped in time.
      assertThat(logs.messages(ch.qos.logback.classic.Level.WARN)).isEmpty();
      assertThat(logs.messages(ch.qos.logback.classic.Level.ERROR)).isEmpty();
    }
  }

  @Test
  void noBrokersConfiguredIsAConfigurationErrorNamingTheKey() {
    try (Platform platform =
        TestPlatforms.builder().serviceName("consumer-test").module(new ObservabilityModule()).module(new MessagingModule()).start()) {
      assertThatThrownBy(() -> Events.of(platform).consumer("orders", new StringDeserializer(), new StringDeserializer()).topics("orders").handler(r -> {}).start())
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("platform.messaging.kafka.bootstrap-servers")
          .hasMessageContaining("PLATFORM_MESSAGING_KAFKA_BOOTSTRAP_SERVERS");
      assertThatThrownBy(() -> Events.of(platform).consumer("Orders!", new StringDeserializer(), new StringDeserializer()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("lower case");
      assertThatThrownBy(() -> Events.of(platform).consumer("orders", new StringDeserializer(), new StringDeserializer()).topics("orders").start())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("no handler");
    }
  }

  private static HealthStatus readiness(Platform platform, String check) {
    return platform.health().readiness().checks().stream()
        .filter(c -> c.name().equals(check))
        .findFirst()
        .map(HealthReport.Check::status)
        .orElseThrow(() -> new AssertionError("no readiness check " + check));
  }
}
