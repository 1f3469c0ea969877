package dev.paved.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A real Kafka broker for a test: one node in KRaft mode (broker and controller), run as its own
 * JVM from the Kafka server classes on the test's class path, on ephemeral loopback ports, with its
 * log in a fresh directory. No Docker. The test needs {@code org.apache.kafka:kafka_2.13} in test
 * scope (the BOM manages its version); {@link #start} says so when it is missing.
 *
 * <pre>{@code
 * try (KafkaBroker broker = KafkaBroker.start()) {
 *   String servers = broker.bootstrapServers();    // 127.0.0.1:<port>
 *   broker.kill();                                 // SIGKILL, as a crashed broker
 *   broker.restart();                              // same port, same data
 * }
 * }</pre>
 *
 * Topics are created on first use (one partition) or with {@link #createTopic}; {@link #read}
 * reads what a topic holds (a dead-letter topic, say).
 * Every wait is bounded (60 s) and fails with the broker's last log lines.
 */
public final class KafkaBroker implements AutoCloseable {
  private static final String SERVER_MAIN = "kafka.Kafka";
  private static final String STORAGE_MAIN = "kafka.tools.StorageTool";
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private final Path dir;
  private final int port;
  private final int controllerPort;
  private final Path properties;
  private @Nullable Process process;
  private int starts;
  /** Kills the broker if the test JVM exits without {@link #close}: no broker outlives its tests. */
  private final Thread reaper = new Thread(() -> {
    Process p = process;
    if (p != null) {
      p.destroyForcibly();
    }
  }, "paved-kafka-reaper");

  private KafkaBroker(Path dir, int port, int controllerPort) throws IOException {
    this.dir = dir;
    this.port = port;
    this.controllerPort = controllerPort;
    this.properties = dir.resolve("server.properties");
    Files.writeString(properties, String.join("\n",
        "process.roles=broker,controller",
        "node.id=1",
        "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
        "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
        "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
        "controller.listener.names=CONTROLLER",
        "inter.broker.listener.name=PLAINTEXT",
        "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
        "log.dirs=" + dir.resolve("data"),
        "num.partitions=1",
        "auto.create.topics.enable=true",
        "offsets.topic.replication.factor=1",
        "offsets.topic.num.partitions=1",
        "transaction.state.log.replication.factor=1",
        "transaction.state.log.min.isr=1",
        "share.coordinator.state.topic.replication.factor=1",
        "share.coordinator.state.topic.min.isr=1",
        "group.initial.rebalance.delay.ms=0",
        "log.flush.interval.messages=1",
        ""));
    // The broker logs through SLF4J; where Logback is the binding (as with Paved), plain lines at INFO.
    Files.writeString(dir.resolve("logback.xml"), """
        <configuration>
          <appender name="out" class="ch.qos.logback.core.ConsoleAppender">
            <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{20} %msg%n</pattern></encoder>
          </appender>
          <root level="INFO"><appender-ref ref="out"/></root>
        </configuration>
        """);
  }

  /** Formats a new broker's storage and starts it; returns once it accepts connections. */
  public static KafkaBroker start() {
    try {
      Class.forName(SERVER_MAIN, false, KafkaBroker.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(
          "KafkaBroker needs the Kafka server on the test class path: add org.apache.kafka:kafka_2.13 in test scope (the Paved BOM manages its version)");
    }
    Path dir;
    try {
      dir = Files.createTempDirectory("paved-kafka-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      KafkaBroker broker = new KafkaBroker(dir, freePort(), freePort());
      broker.format();
      broker.launch();
      return broker;
    } catch (IOException e) {
      delete(dir);
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      delete(dir);
      throw e;
    }
  }

  /** {@code 127.0.0.1:<port>}, for {@code bootstrap.servers}. */
  public String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  /** The broker's listener port; the same after {@link #restart}. */
  public int port() {
    return port;
  }

  /** Kills the broker at once (SIGKILL), as a crash would, and waits until it has exited. */
  public void kill() {
    Process p = process;
    if (p != null) {
      p.destroyForcibly();
      waitFor(p);
      process = null;
    }
  }

  /** Starts the broker again, on the same port with the same data; returns once it accepts connections. */
  public void restart() {
    kill();
    launch();
  }

  /** An admin client of this broker (the caller closes it): offsets, groups, topics. */
  public org.apache.kafka.clients.admin.Admin admin() {
    java.util.Properties p = new java.util.Properties();
    p.put("bootstrap.servers", bootstrapServers());
    return org.apache.kafka.clients.admin.Admin.create(p);
  }

  /** Creates {@code topic} with {@code partitions} partitions (replication factor 1) and waits for it. */
  public void createTopic(String topic, int partitions) {
    try (org.apache.kafka.clients.admin.Admin admin = admin()) {
      admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(topic, partitions, (short) 1))).all().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      // Created is not yet writable: wait until every partition has its leader, so that the first
      // send does not wait on metadata for a partition that is still being elected.
      long until = System.nanoTime() + TIMEOUT.toNanos();
      while (!allLed(admin, topic, partitions)) {
        if (System.nanoTime() > until) {
          throw new IllegalStateException("topic " + topic + " has partitions without a leader after " + TIMEOUT);
        }
        Thread.sleep(20);
      }
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("could not create topic " + topic, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topic " + topic, e);
    }
  }

  private static boolean allLed(org.apache.kafka.clients.admin.Admin admin, String topic, int partitions)
      throws InterruptedException, java.util.concurrent.TimeoutException {
    try {
      org.apache.kafka.common.KafkaFuture<org.apache.kafka.clients.admin.TopicDescription> described =
          admin.describeTopics(List.of(topic)).topicNameValues().get(topic);
      if (described == null) {
        return false;
      }
      org.apache.kafka.clients.admin.TopicDescription d = described.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      return d.partitions().size() == partitions && d.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty());
    } catch (java.util.concurrent.ExecutionException notYetKnown) {
      return false; // UnknownTopicOrPartition until the metadata has it
    }
  }

  /**
   * Reads {@code topic} from its beginning, as text, until it has {@code atLeast} records or 30 s
   * have passed; what it read, in order per partition.
   */
  public List<org.apache.kafka.clients.consumer.ConsumerRecord<String, String>> read(String topic, int atLeast) {
    java.util.Properties p = new java.util.Properties();
    p.put("bootstrap.servers", bootstrapServers());
    p.put("group.id", "paved-test-reader-" + java.util.UUID.randomUUID());
    p.put("auto.offset.reset", "earliest");
    p.put("enable.auto.commit", "false");
    List<org.apache.kafka.clients.consumer.ConsumerRecord<String, String>> records = new ArrayList<>();
    org.apache.kafka.common.serialization.StringDeserializer text = new org.apache.kafka.common.serialization.StringDeserializer();
    try (org.apache.kafka.clients.consumer.KafkaConsumer<String, String> c = new org.apache.kafka.clients.consumer.KafkaConsumer<>(p, text, text)) {
      c.subscribe(List.of(topic));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (records.size() < atLeast && System.nanoTime() < deadline) {
        c.poll(Duration.ofMillis(200)).forEach(records::add);
      }
    }
    return records;
  }

  /** Whether the broker process is running. */
  public boolean isRunning() {
    Process p = process;
    return p != null && p.isAlive();
  }

  /** Stops the broker (SIGTERM, then SIGKILL after 20 s) and deletes its data. */
  @Override
  public void close() {
    Process p = process;
    if (p != null) {
      p.destroy();
      try {
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          waitFor(p);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        p.destroyForcibly();
      }
      process = null;
    }
    try {
      Runtime.getRuntime().removeShutdownHook(reaper);
    } catch (IllegalStateException | IllegalArgumentException alreadyExitingOrNeverAdded) {
      // Nothing to remove.
    }
    delete(dir);
  }

  private void format() throws IOException {
    // A cluster id as Kafka's Uuid prints it: 16 random bytes in URL-safe Base64 without padding.
    byte[] id = new byte[16];
    new SecureRandom().nextBytes(id);
    String clusterId = Base64.getUrlEncoder().withoutPadding().encodeToString(id);
    Path log = dir.resolve("format.log");
    Process p = java(STORAGE_MAIN, List.of("format", "-t", clusterId, "-c", properties.toString()), log);
    int code = waitFor(p);
    if (code != 0) {
      throw new IllegalStateException("Kafka storage format failed with exit code " + code + ":\n" + tail(log));
    }
  }

  private void launch() {
    if (starts == 0) {
      Runtime.getRuntime().addShutdownHook(reaper);
    }
    Path log = dir.resolve("broker-" + (++starts) + ".log");
    Process p = java(SERVER_MAIN, List.of(properties.toString()), log);
    process = p;
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (true) {
      if (!p.isAlive()) {
        throw new IllegalStateException("The Kafka broker exited with code " + p.exitValue() + ":\n" + tail(log));
      }
      if (started(log) && accepts()) {
        return;
      }
      if (System.nanoTime() > deadline) {
        p.destroyForcibly();
        throw new IllegalStateException("The Kafka broker did not start in " + TIMEOUT.toSeconds() + " s:\n" + tail(log));
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        p.destroyForcibly();
        throw new IllegalStateException("interrupted while the Kafka broker started", e);
      }
    }
  }

  private static boolean started(Path log) {
    try {
      return Files.exists(log) && Files.readString(log, StandardCharsets.UTF_8).contains("Kafka Server started");
    } catch (IOException | UncheckedIOException e) {
      return false;
    }
  }

  private boolean accepts() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private Process java(String mainClass, List<String> args, Path log) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of("-Xms128m", "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Djava.awt.headless=true",
        "-Dlogback.configurationFile=" + dir.resolve("logback.xml")));
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
    command.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().keySet().retainAll(ServiceProcess.INHERITED);
    try {
      return pb.start();
    } catch (IOException e) {
      throw new UncheckedIOException("could not start " + mainClass, e);
    }
  }

  private static int waitFor(Process p) {
    try {
      if (!p.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("a Kafka process did not exit in " + TIMEOUT.toSeconds() + " s");
      }
      return p.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new IllegalStateException("interrupted while waiting for a Kafka process", e);
    }
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static void delete(Path root) {
    try (var paths = Files.walk(root)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // A temporary directory left behind is not a test failure.
    }
  }
}
