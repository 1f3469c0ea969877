package dev.paved.messaging;

import dev.paved.core.HealthResult;
import dev.paved.core.Redaction;
import dev.paved.core.internal.DaemonThreadFactory;
import dev.paved.core.internal.ThrottledLogger;
import dev.paved.observability.KafkaMessaging;
import dev.paved.observability.Observability;
import dev.paved.resilience.Backoff;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running Kafka consumer (see {@link Events}).
 *
 * <p>How it works: one thread polls and appends each partition's records to that partition's
 * queue; the handler runs on {@code concurrency} other threads, one partition at a time per
 * thread, in offset order. A partition whose queue holds a window of records ({@code
 * max-poll-records}) is paused, so polling goes on (the group never sees a slow handler as a dead
 * consumer: {@code max.poll.interval.ms} is never exceeded by handler time) and fetching stays
 * ahead of the handler; it is resumed when its queue is half empty. Offsets are committed after the handler returned (at-least-once), asynchronously
 * after every poll and synchronously when partitions are revoked and at shutdown. Records are
 * fetched as bytes and deserialized in the handler's span, so a record that cannot be deserialized
 * goes to the dead-letter topic instead of stopping the partition.
 */
public final class EventConsumer<K, V> implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EventConsumer.class);
  private static final Duration POLL_TIMEOUT = Duration.ofMillis(200);
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration COMMIT_GIVE_UP = Duration.ofSeconds(30);
  private static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("paved.retry.attempt");
  private static final AttributeKey<Long> DELAY = AttributeKey.longKey("paved.retry.delay_ms");
  private static final AttributeKey<String> CAUSE = AttributeKey.stringKey("paved.retry.cause");
  static final String LAG = "messaging.kafka.consumer.lag";
  static final String GROUP_LAG = "messaging.kafka.consumer.group.lag";
  static final String DEAD_LETTERS = "paved.messaging.dead_letters";
  static final String RETRIES = "paved.messaging.retries";
  static final String CONSUMED = "messaging.client.consumed.messages";

  /** What {@link Events.Builder#start} resolved. */
  record Settings(
      String name,
      String group,
      List<String> topics,
      @Nullable Pattern pattern,
      @Nullable String deadLetterTopic,
      String deadLetterSuffix,
      int maxAttempts,
      Backoff backoff,
      int concurrency,
      int maxPollRecords,
      Duration revokeTimeout,
      Duration shutdownTimeout,
      Properties properties) {}

  /** Thrown inside processing when the record is given up without an outcome (revoked, shutting down): it stays uncommitted. */
  private static final class Abandoned extends Exception {
    private static final long serialVersionUID = 1L;

    Abandoned() {
      super("abandoned: the partition was revoked or the consumer is stopping", null, false, false);
    }
  }

  /** The state of one assigned partition. Fields written by workers are volatile; the rest belong to the poll thread. */
  private static final class PartitionWork {
    final TopicPartition partition;
    final CountDownLatch cancelled = new CountDownLatch(1);
    final AtomicLong lag = new AtomicLong();
    /** Fetched, not yet handled; appended by the poll thread, taken by one worker at a time. */
    final java.util.concurrent.ConcurrentLinkedQueue<ConsumerRecord<byte[], byte[]>> queue = new java.util.concurrent.ConcurrentLinkedQueue<>();
    final java.util.concurrent.atomic.AtomicInteger queued = new java.util.concurrent.atomic.AtomicInteger();
    /** A worker runs (or is about to run) this partition. */
    final java.util.concurrent.atomic.AtomicBoolean busy = new java.util.concurrent.atomic.AtomicBoolean();
    /** Set by the poll thread when it paused the partition because its queue was full. */
    volatile boolean full;
    /** The work of an earlier assignment of this partition whose record was still in progress at the revoke. */
    volatile @Nullable PartitionWork predecessor;
    /** The offset after the last record finished (handled or dead-lettered); -1 before the first. */
    volatile long processed = -1;
    /** Where to seek when a batch ended early without the partition going (-1: nowhere). */
    volatile long rewindTo = -1;
    long requested = -1;
    volatile long committed = -1;
    /** Where consumption of the partition began when the group had no committed offset for it (-1: unknown). */
    long start = -1;
    @Nullable Gauge gauge;

    PartitionWork(TopicPartition partition) {
      this.partition = partition;
    }

    void cancel() {
      cancelled.countDown();
    }

    boolean isCancelled() {
      return cancelled.getCount() == 0;
    }

    /** Waits {@code delay}; false when cancelled first. */
    boolean sleep(Duration delay) throws InterruptedException {
      return !cancelled.await(delay.toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  private final Settings settings;
  private final Deserializer<K> keyDeserializer;
  private final Deserializer<V> valueDeserializer;
  private final RecordHandler<K, V> handler;
  private final Predicate<Throwable> retryable;
  private final KafkaMessaging kafka;
  private final MeterRegistry registry;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final ExecutorService workers;
  private final Thread pollThread;
  private final Map<TopicPartition, PartitionWork> works = new ConcurrentHashMap<>();
  private final Set<TopicPartition> paused = new HashSet<>();
  /**
   * The asynchronous commits sent and the last one answered (poll thread only: the callback runs
   * inside poll): one is in flight while they differ.
   */
  private long commitsSent;
  private long commitAnswered;
  /** When the last was sent: one not answered after {@link #COMMIT_GIVE_UP} is not waited for any longer. */
  private long commitSentAt;
  /** The most asynchronous commits ever in flight at once (tests: the rule above says one). */
  private volatile long mostCommitsInFlight;
  /** Revoked partitions whose record in progress outlived the revoke timeout (poll thread only). */
  private final Map<TopicPartition, PartitionWork> lingering = new HashMap<>();
  private final Counter deadLetters;
  private final Counter retries;
  private final Counter consumed;
  private final Gauge groupLag;
  private final ThrottledLogger warnings = new ThrottledLogger(LOG);
  private final CountDownLatch finished = new CountDownLatch(1);
  private volatile @Nullable Producer<byte[], byte[]> deadLetterProducer;
  private volatile boolean intakeStopped;
  private volatile boolean closed;
  private volatile double connections = -1;
  private volatile @Nullable Throwable loopFailure;
  /** Failed sends to the dead-letter topic since the last one that worked: readiness is DEGRADED while above zero. */
  private final AtomicLong deadLetterFailures = new AtomicLong();
  private @Nullable Metric connectionCount;

  EventConsumer(
      Settings settings,
      Deserializer<K> keyDeserializer,
      Deserializer<V> valueDeserializer,
      RecordHandler<K, V> handler,
      Predicate<Throwable> retryable,
      Observability observability,
      String serviceName) {
    this.settings = settings;
    this.keyDeserializer = keyDeserializer;
    this.valueDeserializer = valueDeserializer;
    this.handler = handler;
    this.retryable = retryable;
    this.kafka = observability.kafka();
    this.registry = observability.meterRegistry();
    Properties props = new Properties();
    props.putAll(settings.properties());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, settings.group());
    props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, serviceName + "-" + settings.name());
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, String.valueOf(settings.maxPollRecords()));
    this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    this.workers = Executors.newFixedThreadPool(settings.concurrency(), new DaemonThreadFactory("paved-consumer-" + settings.name()));
    this.pollThread = new DaemonThreadFactory("paved-poll-" + settings.name()).newThread(this::pollLoop);
    String group = settings.group();
    this.deadLetters =
        Counter.builder(DEAD_LETTERS).description("Records sent to the dead-letter topic").tag("messaging.consumer.group.name", group).register(registry);
    this.retries =
        Counter.builder(RETRIES).description("Handler attempts retried after an error").tag("messaging.consumer.group.name", group).register(registry);
    this.consumed =
        Counter.builder(CONSUMED)
            .description("Records received by the consumer")
            .tag("messaging.system", "kafka")
            .tag("messaging.consumer.group.name", group)
            .register(registry);
    this.groupLag =
        Gauge.builder(GROUP_LAG, this, EventConsumer::totalLag)
            .description("Records not yet committed by the group on this consumer's partitions: what to scale on")
            .tag("messaging.system", "kafka")
            .tag("messaging.consumer.group.name", group)
            .register(registry);
  }

  /** The consumer's name. */
  public String name() {
    return settings.name();
  }

  /** Its consumer group. */
  public String group() {
    return settings.group();
  }

  /** The partitions assigned to it now. */
  public Set<TopicPartition> assignment() {
    return Set.copyOf(works.keySet());
  }

  /**
   * Per assigned partition, records not yet committed: the log end offset minus the committed
   * offset, as the broker's own tools (and KEDA's Kafka scaler) count it, refreshed after every poll.
   */
  public Map<TopicPartition, Long> lag() {
    Map<TopicPartition, Long> lag = new HashMap<>();
    works.forEach((tp, w) -> lag.put(tp, w.lag.get()));
    return lag;
  }

  void start() {
    pollThread.start();
  }

  /** The most asynchronous commits that were ever in flight at once (tests: read after {@link #close}). */
  long mostCommitsInFlight() {
    return mostCommitsInFlight;
  }

  /** The asynchronous commits sent (tests: read after {@link #close}). */
  long commitsSent() {
    return commitsSent;
  }

  HealthResult health() {
    Throwable failure = loopFailure;
    if (failure != null) {
      return HealthResult.down("the poll loop ended: " + Redaction.mask(String.valueOf(failure)));
    }
    if (closed || intakeStopped) {
      return HealthResult.down("stopping");
    }
    HealthResult r =
        connections <= 0
            ? HealthResult.degraded("no connection to a Kafka broker (" + settings.properties().getProperty("bootstrap.servers") + ")")
            : deadLetterFailures.get() > 0
                ? HealthResult.degraded("the dead-letter topic refuses records; their partitions wait (" + deadLetterFailures.get() + " failed sends)")
                : HealthResult.up();
    return r.withDetail("group", settings.group()).withDetail("assigned-partitions", works.size()).withDetail("lag", totalLag());
  }

  private long totalLag() {
    long total = 0;
    for (PartitionWork w : works.values()) {
      total += w.lag.get();
    }
    return total;
  }

  /** Stops polling; the records in progress finish. Called when graceful shutdown begins. */
  void stopIntake() {
    if (intakeStopped) {
      return;
    }
    shutdownPhase("stop-polling", () -> {
      intakeStopped = true;
      for (PartitionWork w : works.values()) {
        w.cancel();
      }
      consumer.wakeup();
    });
  }

  /**
   * Stops the consumer: no more polling, the records in progress finish (up to {@code
   * platform.shutdown.timeout}), what is done is committed, the consumer leaves its group and
   * closes. Idempotent.
   */
  @Override
  public void close() {
    stopIntake();
    closed = true;
    consumer.wakeup();
    try {
      if (!finished.await(settings.shutdownTimeout().toMillis() + 15_000, TimeUnit.MILLISECONDS)) {
        LOG.warn("Kafka consumer '{}' did not stop in time", settings.name());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ---- the poll thread ----

  private void pollLoop() {
    try {
      ConsumerRebalanceListener listener = new Rebalance();
      Pattern pattern = settings.pattern();
      if (pattern != null) {
        consumer.subscribe(pattern, listener);
      } else {
        consumer.subscribe(settings.topics(), listener);
      }
      while (!closed) {
        try {
          if (intakeStopped) {
            pauseAll();
          }
          ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL_TIMEOUT);
          if (!intakeStopped) {
            dispatch(records);
          }
        } catch (WakeupException e) {
          // A batch finished, or shutdown: go on to commit.
        } catch (KafkaException e) {
          warnings.warn("Kafka consumer '" + settings.name() + "': " + e, null);
          pauseBriefly();
        }
        try {
          commitFinished();
          refreshLag();
        } catch (WakeupException e) {
          // Next round.
        } catch (KafkaException e) {
          warnings.warn("Kafka consumer '" + settings.name() + "': " + e, null);
        }
      }
      shutdownSequence();
    } catch (RuntimeException | Error e) {
      loopFailure = e;
      LOG.error("Kafka consumer '{}' stopped: its poll loop failed", settings.name(), e);
      closeQuietly();
    } finally {
      finished.countDown();
    }
  }

  private void pauseAll() {
    Set<TopicPartition> all = consumer.assignment();
    if (!paused.containsAll(all)) {
      consumer.pause(all);
      paused.addAll(all);
    }
  }

  private void dispatch(ConsumerRecords<byte[], byte[]> records) {
    for (TopicPartition tp : records.partitions()) {
      PartitionWork w = works.get(tp);
      List<ConsumerRecord<byte[], byte[]>> batch = records.records(tp);
      consumed.increment(batch.size());
      if (w == null || w.rewindTo >= 0 || w.isCancelled()) {
        continue; // revoked under us, or about to seek back: fetched again from the right offset
      }
      w.queue.addAll(batch);
      if (w.queued.addAndGet(batch.size()) >= window() && paused.add(tp)) {
        w.full = true;
        consumer.pause(List.of(tp)); // a window of records waits: fetch more once half of it is done
      }
      schedule(w);
    }
  }

  /** Records a partition may have waiting before it is paused: two polls' worth. */
  private int window() {
    return 2 * settings.maxPollRecords();
  }

  private void schedule(PartitionWork w) {
    PartitionWork before = w.predecessor;
    if (before != null) {
      if (before.busy.get()) {
        return; // one record of a partition at a time, even across a rebalance
      }
      w.predecessor = null;
    }
    if (!w.queue.isEmpty() && w.rewindTo < 0 && w.busy.compareAndSet(false, true)) {
      workers.execute(() -> drain(w));
    }
  }

  private void commitFinished() {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    // One asynchronous commit at a time: the next one carries every offset finished meanwhile.
    // (Committing after every poll regardless queued over a thousand commits at the coordinator
    // under load, which then made the shutdown's synchronous commit time out.)
    boolean commit = commitAnswered == commitsSent || System.nanoTime() - commitSentAt > COMMIT_GIVE_UP.toNanos();
    for (PartitionWork w : works.values()) {
      long p = w.processed;
      if (commit && p > w.requested) {
        offsets.put(w.partition, new OffsetAndMetadata(p));
        w.requested = p;
      }
      if (intakeStopped || w.isCancelled()) {
        continue;
      }
      long rewind = w.rewindTo;
      if (rewind >= 0 && !w.busy.get()) {
        clear(w); // records queued after the one given up: fetched again, in order, after the seek
        consumer.seek(w.partition, rewind);
        w.rewindTo = -1;
        schedule(w);
      } else if (rewind < 0) {
        schedule(w); // a predecessor finished (see onPartitionsAssigned), or records wait
      }
      if (w.full && w.queued.get() <= window() / 2 && paused.remove(w.partition)) {
        w.full = false;
        consumer.resume(List.of(w.partition));
      }
    }
    if (offsets.isEmpty()) {
      return;
    }
    commitSentAt = System.nanoTime();
    long sequence = ++commitsSent;
    mostCommitsInFlight = Math.max(mostCommitsInFlight, commitsSent - commitAnswered);
    try {
      sendCommit(offsets, sequence);
    } catch (RuntimeException e) {
      commitAnswered = sequence;
      sendAgain(offsets.keySet());
      throw e;
    }
  }

  /** The next commit carries these partitions' offsets again. */
  private void sendAgain(Collection<TopicPartition> partitions) {
    for (TopicPartition tp : partitions) {
      PartitionWork w = works.get(tp);
      if (w != null) {
        w.requested = w.committed;
      }
    }
  }

  private void sendCommit(Map<TopicPartition, OffsetAndMetadata> offsets, long sequence) {
    consumer.commitAsync(offsets, (done, error) -> {
      commitAnswered = Math.max(commitAnswered, sequence); // a late answer to one given up on leaves the newer in flight
      if (error != null) {
        warnings.warn("Kafka consumer '" + settings.name() + "': a commit failed (it is sent again): " + error, null);
        sendAgain(offsets.keySet());
        return;
      }
      done.forEach((tp, o) -> {
        PartitionWork w = works.get(tp);
        if (w != null && o.offset() > w.committed) {
          w.committed = o.offset();
        }
      });
    });
  }

  /** Commits what is done on {@code partitions} before they go, waiting for it. */
  private void commitSync(Collection<PartitionWork> done) {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (PartitionWork w : done) {
      if (w.processed > w.committed) {
        offsets.put(w.partition, new OffsetAndMetadata(w.processed));
      }
    }
    if (offsets.isEmpty()) {
      return;
    }
    for (int attempt = 1; ; attempt++) {
      try {
        consumer.commitSync(offsets, CALL_TIMEOUT);
        offsets.forEach((tp, o) -> {
          PartitionWork w = works.get(tp);
          if (w != null) {
            w.committed = o.offset();
          }
        });
        return;
      } catch (WakeupException e) {
        if (attempt >= 3) {
          throw e;
        }
      } catch (KafkaException e) {
        warnings.warn("Kafka consumer '" + settings.name() + "': commit of " + offsets.keySet() + " failed; those records will be redelivered: " + e, null);
        return;
      }
    }
  }

  private void refreshLag() {
    if (connectionCount == null) {
      for (Map.Entry<MetricName, ? extends Metric> e : consumer.metrics().entrySet()) {
        if (e.getKey().name().equals("connection-count") && e.getKey().group().equals("consumer-metrics")) {
          connectionCount = e.getValue();
        }
      }
    }
    Metric c = connectionCount;
    if (c != null && c.metricValue() instanceof Number n) {
      connections = n.doubleValue();
    }
    for (PartitionWork w : works.values()) {
      OptionalLong behind = consumer.currentLag(w.partition);
      if (behind.isEmpty()) {
        continue;
      }
      long position = consumer.position(w.partition, CALL_TIMEOUT);
      long end = position + behind.getAsLong();
      // Nothing committed yet: behind by everything since where consumption began, as KEDA counts it.
      long committed = w.committed >= 0 ? w.committed : w.start >= 0 ? w.start : position;
      w.lag.set(Math.max(0, end - committed));
    }
  }

  private void waitIdle(Collection<PartitionWork> ws, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (PartitionWork w : ws) {
      while (w.busy.get() && System.nanoTime() < deadline) {
        try {
          Thread.sleep(2);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
      if (w.busy.get()) {
        LOG.warn("Kafka consumer '{}': the record in progress on {} did not finish in {} ms; it will be redelivered", settings.name(), w.partition, timeout.toMillis());
      }
    }
  }

  private void shutdownSequence() {
    List<PartitionWork> all = new ArrayList<>(works.values());
    shutdownPhase("finish", () -> waitIdle(all, settings.shutdownTimeout()));
    shutdownPhase("commit", () -> commitSync(all));
    shutdownPhase("leave-group", this::closeQuietly);
  }

  private void closeQuietly() {
    for (PartitionWork w : works.values()) {
      removeGauge(w);
    }
    works.clear();
    registry.remove(groupLag);
    try {
      consumer.close(CloseOptions.timeout(CALL_TIMEOUT));
    } catch (RuntimeException e) {
      LOG.warn("Kafka consumer '{}' did not close cleanly", settings.name(), e);
    }
    workers.shutdownNow();
    Producer<byte[], byte[]> p = deadLetterProducer;
    if (p != null) {
      p.close(CALL_TIMEOUT);
    }
  }

  private void shutdownPhase(String phase, Runnable action) {
    dev.paved.core.internal.ShutdownPhase.run(
        LOG, "consumer " + settings.name() + ": " + phase, "Kafka consumer '" + settings.name() + "': shutdown step '" + phase + "'", action);
  }


  private void pauseBriefly() {
    try {
      Thread.sleep(100);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void removeGauge(PartitionWork w) {
    Gauge g = w.gauge;
    if (g != null) {
      registry.remove(g);
    }
  }

  /** Runs on the poll thread, inside {@code poll}. */
  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      List<PartitionWork> going = new ArrayList<>();
      for (TopicPartition tp : partitions) {
        PartitionWork w = works.get(tp);
        if (w != null) {
          w.cancel();
          going.add(w);
        }
      }
      waitIdle(going, settings.revokeTimeout());
      commitSync(going);
      for (PartitionWork w : going) {
        if (w.busy.get()) {
          lingering.put(w.partition, w);
        }
      }
      forget(partitions);
      if (!partitions.isEmpty()) {
        LOG.atInfo().addKeyValue("messaging.consumer.group.name", settings.group()).log("Kafka consumer '{}': partitions revoked {}", settings.name(), partitions);
      }
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      for (TopicPartition tp : partitions) {
        PartitionWork w = works.get(tp);
        if (w != null) {
          w.cancel();
        }
      }
      forget(partitions);
      LOG.atWarn().addKeyValue("messaging.consumer.group.name", settings.group()).log("Kafka consumer '{}': partitions lost {} (their uncommitted records will be redelivered)", settings.name(), partitions);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      if (partitions.isEmpty()) {
        return;
      }
      Map<TopicPartition, OffsetAndMetadata> committed;
      try {
        committed = consumer.committed(new HashSet<>(partitions), CALL_TIMEOUT);
      } catch (KafkaException e) {
        committed = Map.of();
      }
      lingering.values().removeIf(old -> !old.busy.get());
      for (TopicPartition tp : partitions) {
        PartitionWork w = new PartitionWork(tp);
        w.predecessor = lingering.remove(tp);
        OffsetAndMetadata c = committed.get(tp);
        if (c != null) {
          w.committed = c.offset();
          w.requested = c.offset();
        } else {
          try {
            w.start = consumer.position(tp, CALL_TIMEOUT); // auto.offset.reset applied
          } catch (KafkaException e) {
            // Unknown until the first commit; the lag counts from the fetch position meanwhile.
          }
        }
        w.gauge =
            Gauge.builder(LAG, w.lag, AtomicLong::get)
                .description("Records of the partition not yet committed by the group (log end offset minus committed offset)")
                .tag("messaging.system", "kafka")
                .tag("messaging.destination.name", tp.topic())
                .tag("messaging.destination.partition.id", String.valueOf(tp.partition()))
                .tag("messaging.consumer.group.name", settings.group())
                .register(registry);
        works.put(tp, w);
        if (intakeStopped) {
          consumer.pause(List.of(tp));
          paused.add(tp);
        }
      }
      LOG.atInfo().addKeyValue("messaging.consumer.group.name", settings.group()).log("Kafka consumer '{}': partitions assigned {}", settings.name(), partitions);
    }

    private void forget(Collection<TopicPartition> partitions) {
      for (TopicPartition tp : partitions) {
        PartitionWork w = works.remove(tp);
        paused.remove(tp);
        if (w != null) {
          removeGauge(w);
        }
      }
    }
  }

  // ---- the handler threads ----

  /** Handles the partition's queued records in order, at most a window per turn so that partitions take turns. */
  private void drain(PartitionWork w) {
    try {
      for (int handled = 0; handled < settings.maxPollRecords(); handled++) {
        if (w.isCancelled() || intakeStopped) {
          clear(w); // the rest is fetched again from the committed offset by whoever owns the partition next
          return;
        }
        ConsumerRecord<byte[], byte[]> record = w.queue.poll();
        if (record == null) {
          return;
        }
        w.queued.decrementAndGet();
        if (!process(w, record)) {
          // Given up without an outcome (the handler was interrupted): fetched again from here by
          // the poll thread, which clears the queue when it seeks; a pause keeps a handler that is
          // always interrupted from spinning.
          w.rewindTo = record.offset();
          if (!w.isCancelled() && !intakeStopped) {
            pauseBriefly();
          }
          return;
        }
        w.processed = record.offset() + 1;
        if (w.full && w.queued.get() == window() / 2 && !closed) {
          consumer.wakeup(); // so the poll thread resumes the partition now
        }
      }
    } finally {
      w.busy.set(false);
      if (!w.isCancelled() && !intakeStopped && w.rewindTo < 0) {
        schedule(w); // records appended while this turn ended, or the next turn
      }
    }
  }

  private static void clear(PartitionWork w) {
    w.queue.clear();
    w.queued.set(0);
  }

  /**
   * Processes one record to an outcome: handled, or dead-lettered. False when it has neither (the
   * partition was revoked, the consumer is stopping, the handler thread was interrupted): the
   * record stays uncommitted, whatever was thrown.
   */
  private boolean process(PartitionWork w, ConsumerRecord<byte[], byte[]> raw) {
    boolean[] settled = {false};
    try {
      kafka.process(raw, settings.group(), r -> attempts(w, r, settled));
      return true;
    } catch (Throwable e) {
      Thread.interrupted(); // an interrupt is spent on this record: the worker's next turn is not cut short
      // Dead-lettered (settled): recorded on the span, in messaging.process.duration{error.type} and the SLO.
      return settled[0];
    }
  }

  private boolean isRetryable(Throwable e) {
    if (e instanceof Error) {
      return false;
    }
    try {
      return retryable.test(e);
    } catch (RuntimeException broken) {
      warnings.warn("Kafka consumer '" + settings.name() + "': its retryable(...) rule threw " + broken + "; not retrying", null);
      return false;
    }
  }

  private void attempts(PartitionWork w, ConsumerRecord<byte[], byte[]> raw, boolean[] settled) throws Exception {
    ConsumerRecord<K, V> record;
    try {
      K key = keyDeserializer.deserialize(raw.topic(), raw.headers(), raw.key());
      V value = valueDeserializer.deserialize(raw.topic(), raw.headers(), raw.value());
      record = new ConsumerRecord<>(
          raw.topic(), raw.partition(), raw.offset(), raw.timestamp(), raw.timestampType(), raw.serializedKeySize(),
          raw.serializedValueSize(), key, value, raw.headers(), raw.leaderEpoch());
    } catch (RuntimeException e) {
      deadLetter(w, raw, e, 0);
      settled[0] = true;
      throw e;
    }
    for (int attempt = 1; ; attempt++) {
      try {
        handler.handle(record);
        settled[0] = true;
        return;
      } catch (InterruptedException e) {
        throw new Abandoned();
      } catch (Exception | Error e) {
        if (e instanceof VirtualMachineError) {
          throw e; // out of memory, say: no outcome, the record stays uncommitted
        }
        if (attempt >= settings.maxAttempts() || !isRetryable(e)) {
          deadLetter(w, raw, e, attempt);
          settled[0] = true;
          throw e;
        }
        Duration delay = settings.backoff().delay(attempt, null);
        retries.increment();
        Span.current().addEvent("retry", Attributes.of(ATTEMPT, (long) attempt + 1, DELAY, delay.toMillis(), CAUSE, e.getClass().getName()));
        try {
          if (!w.sleep(delay)) {
            throw new Abandoned();
          }
        } catch (InterruptedException interrupted) {
          throw new Abandoned();
        }
      }
    }
  }

  private void deadLetter(PartitionWork w, ConsumerRecord<byte[], byte[]> raw, Throwable error, int attempts) throws Abandoned {
    String topic = settings.deadLetterTopic() != null ? settings.deadLetterTopic() : raw.topic() + settings.deadLetterSuffix();
    RecordHeaders headers = new RecordHeaders(raw.headers().toArray());
    String message = Redaction.mask(String.valueOf(error.getMessage()));
    if (message.length() > DeadLetters.MAX_MESSAGE) {
      message = message.substring(0, DeadLetters.MAX_MESSAGE);
    }
    headers.add(DeadLetters.ORIGINAL_TOPIC, utf8(raw.topic()));
    headers.add(DeadLetters.ORIGINAL_PARTITION, utf8(String.valueOf(raw.partition())));
    headers.add(DeadLetters.ORIGINAL_OFFSET, utf8(String.valueOf(raw.offset())));
    headers.add(DeadLetters.GROUP, utf8(settings.group()));
    headers.add(DeadLetters.EXCEPTION_CLASS, utf8(error.getClass().getName()));
    headers.add(DeadLetters.EXCEPTION_MESSAGE, utf8(message));
    headers.add(DeadLetters.ATTEMPTS, utf8(String.valueOf(attempts)));
    ProducerRecord<byte[], byte[]> out = new ProducerRecord<>(topic, null, raw.key(), raw.value(), headers);
    for (int tries = 1; ; tries++) {
      try {
        kafka.send(deadLetterProducer(), out).get(30, TimeUnit.SECONDS);
        deadLetters.increment();
        deadLetterFailures.set(0);
        warnings.warn(
            "Kafka consumer '" + settings.name() + "': record " + raw.topic() + "-" + raw.partition() + "@" + raw.offset()
                + " sent to " + topic + " after " + attempts + " attempt(s): " + error.getClass().getName() + ": " + message,
            null);
        return;
      } catch (InterruptedException e) {
        throw new Abandoned();
      } catch (ExecutionException | TimeoutException | KafkaException e) {
        // The record stays where it is until the dead-letter topic takes it: nothing is lost.
        deadLetterFailures.incrementAndGet();
        warnings.warn("Kafka consumer '" + settings.name() + "': sending to dead-letter topic " + topic + " failed (retrying): " + e, null);
        try {
          if (!w.sleep(settings.backoff().delay(Math.min(tries, 10), null))) {
            throw new Abandoned();
          }
        } catch (InterruptedException interrupted) {
          throw new Abandoned();
        }
      }
    }
  }

  private Producer<byte[], byte[]> deadLetterProducer() {
    Producer<byte[], byte[]> p = deadLetterProducer;
    if (p != null) {
      return p;
    }
    synchronized (this) {
      p = deadLetterProducer;
      if (p == null) {
        Properties props = new Properties();
        props.putAll(settings.properties());
        props.remove(ConsumerConfig.MAX_POLL_RECORDS_CONFIG);
        props.remove(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "paved-dlt-" + settings.name());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
        deadLetterProducer = p;
      }
      return p;
    }
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
