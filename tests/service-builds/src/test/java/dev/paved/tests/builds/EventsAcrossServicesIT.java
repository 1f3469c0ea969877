package dev.paved.tests.builds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paved.test.KafkaBroker;
import dev.paved.test.ServiceProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The examples as real processes around a real Kafka broker (KRaft, started here from the Kafka
 * server on the test class path): http-api sends an order event when an order is read,
 * event-consumer processes it — one trace across both; a poison event goes to the dead-letter
 * topic; SIGTERM during a burst finishes, commits and exits in time. And the scheduled job runs once
 * and exits 0.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class EventsAcrossServicesIT {
  private static final Path EXAMPLES = Path.of(System.getProperty("examples.dir", "../../examples"));
  private static KafkaBroker broker;
  private static Admin admin;

  @BeforeAll
  static void startBroker() throws Exception {
    broker = KafkaBroker.start();
    admin = broker.admin();
    broker.createTopic("orders", 2);
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

  private static ServiceProcess consumer() {
    ServiceProcess c =
        ServiceProcess.jar(EXAMPLES.resolve("event-consumer/target/event-consumer.jar"))
            .env("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers())
            .env("PLATFORM_SHUTDOWN_DRAIN", "0s")
            .start();
    c.awaitReady();
    return c;
  }

  @Test
  void oneTraceFromTheHttpRequestThroughTheTopicToTheConsumerAndAPoisonEventGoesToTheDeadLetterTopic() throws Exception {
    try (ServiceProcess consumer = consumer();
        ServiceProcess api =
            ServiceProcess.jar(EXAMPLES.resolve("http-api/target/http-api.jar"))
                .env("HTTP_PORT", "0")
                .env("ORDER_EVENTS_TOPIC", "orders")
                .env("PLATFORM_MESSAGING_KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers())
                .start()) {
      api.awaitReady();
      Object port = api.awaitEvent(e -> e.containsKey("server.port"), "the API's port").get("server.port");
      HttpResponse<String> order =
          HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/orders/1")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(order.statusCode()).isEqualTo(200);
      String trace = String.valueOf(api.awaitEvent("message", "order looked up").get("trace_id"));
      assertThat(trace).matches("[0-9a-f]{32}");

      Map<String, Object> processed = consumer.awaitEvent("message", "order event processed");
      assertThat(processed).containsEntry("order.id", "1").containsEntry("trace_id", trace);

      try (KafkaProducer<String, String> producer = producer()) {
        producer.send(new ProducerRecord<>("orders", "1", "{not an event")).get(30, TimeUnit.SECONDS);
      }
      HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/orders/2")).build(), HttpResponse.BodyHandlers.ofString());
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> consumer.events().stream().anyMatch(e -> "order event processed".equals(e.get("message")) && "2".equals(e.get("order.id"))));
      List<ConsumerRecord<String, String>> dead = broker.read("orders.dlt", 1);
      assertThat(dead).singleElement().satisfies(r -> {
        assertThat(r.value()).isEqualTo("{not an event");
        assertThat(new String(Objects.requireNonNull(r.headers().lastHeader("paved.dlt.attempts")).value(), StandardCharsets.UTF_8)).isEqualTo("1");
      });
    }
  }

  @Test
  void sigtermDuringABurstFinishesCommitsAndExitsInItsDeadline() throws Exception {
    broker.createTopic("burst", 2);
    try (ServiceProcess consumer =
        ServiceProcess.jar(EXAMPLES.resolve("event-consumer/target/event-consumer.jar"))
            .env("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers())
            .env("ORDER_EVENTS_TOPIC", "burst")
            .env("PLATFORM_SHUTDOWN_DRAIN", "0s")
            .start()) {
      consumer.awaitReady();
      try (KafkaProducer<String, String> producer = producer()) {
        for (int i = 0; i < 5_000; i++) {
          producer.send(new ProducerRecord<>("burst", String.valueOf(i), "{\"type\":\"order-viewed\",\"orderId\":\"" + i + "\"}"));
        }
        producer.flush();
      }
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> processed(consumer) > 100);
      long start = System.nanoTime();
      consumer.sigterm();
      assertThat(consumer.awaitExit()).as("the JVM's exit on SIGTERM, after graceful shutdown").isEqualTo(143);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
      // Each line is logged when its step finishes: the consumer's steps inside the platform's phases.
      assertThat(consumer.shutdownPhases())
          .containsExactly(
              "consumer order-events: stop-polling", "readiness-down", "drain", "in-flight", "consumer order-events: finish",
              "consumer order-events: commit", "consumer order-events: leave-group", "modules", "admin");
      long committed = 0;
      Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets("order-events").partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
      for (var e : offsets.entrySet()) {
        if (e.getKey().topic().equals("burst") && e.getValue() != null) {
          committed += e.getValue().offset();
        }
      }
      // Every record handled was committed, and nothing beyond: the process lost and skipped nothing.
      assertThat(committed).isEqualTo(processed(consumer)).isLessThanOrEqualTo(endOffsets("burst"));
    }
  }

  @Test
  void theScheduledJobRunsOnceAndExitsZero() {
    try (ServiceProcess job = ServiceProcess.jar(EXAMPLES.resolve("scheduled-job/target/scheduled-job.jar")).start()) {
      assertThat(job.awaitExit()).isZero();
      assertThat(job.events()).anySatisfy(e -> assertThat(e).containsEntry("message", "orders report written"));
    }
  }

  private static long processed(ServiceProcess consumer) {
    return consumer.events().stream().filter(e -> "order event processed".equals(e.get("message"))).count();
  }

  private static long endOffsets(String topic) throws Exception {
    Map<TopicPartition, OffsetSpec> request = new HashMap<>();
    for (int p = 0; p < 2; p++) {
      request.put(new TopicPartition(topic, p), OffsetSpec.latest());
    }
    long sum = 0;
    for (var info : admin.listOffsets(request).all().get(10, TimeUnit.SECONDS).values()) {
      sum += info.offset();
    }
    return sum;
  }

  private static KafkaProducer<String, String> producer() {
    Properties p = new Properties();
    p.put("bootstrap.servers", broker.bootstrapServers());
    p.put("linger.ms", "5");
    return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
  }
}
