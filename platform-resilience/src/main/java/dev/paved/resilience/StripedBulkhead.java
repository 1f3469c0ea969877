package dev.paved.resilience;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.BulkheadFullException;
import io.github.resilience4j.bulkhead.event.BulkheadEvent;
import io.github.resilience4j.bulkhead.event.BulkheadOnCallFinishedEvent;
import io.github.resilience4j.bulkhead.event.BulkheadOnCallPermittedEvent;
import io.github.resilience4j.bulkhead.event.BulkheadOnCallRejectedEvent;
import io.github.resilience4j.core.EventConsumer;
import io.github.resilience4j.core.EventProcessor;
import java.util.Map;

/**
 * A Resilience4j {@link Bulkhead} (semaphore, no waiting) whose permits are spread over stripes, so
 * that threads calling at once do not meet on one counter twice per call.
 *
 * <p>The {@code maxConcurrentCalls} permits are divided among the stripes. A thread takes a permit
 * from its own stripe, else from the next stripe that has one; it gives a permit back to its own
 * stripe (so a permit taken on one thread may be returned on another, as asynchronous calls do).
 * Every stripe's count stays at or below its share and the counts always add up to the calls in
 * flight, so no more than {@code maxConcurrentCalls} calls are ever admitted; a call is refused
 * when every stripe it looked at was full — all of them, so the bulkhead was full unless a permit
 * came back during the look. Events are published, as Resilience4j's own bulkhead does, only when
 * a consumer is registered.
 */
final class StripedBulkhead implements Bulkhead {
  /**
   * Ints between two stripes' counts (128 bytes): the counts live in one array, so no object the
   * garbage collector copies next to them can share their cache lines.
   */
  private static final int STRIDE = 32;

  private final String name;
  private final BulkheadConfig config;
  /** Permits in use by stripe i at (i + 1) * STRIDE. */
  private final java.util.concurrent.atomic.AtomicIntegerArray used;
  /** Each stripe's share of the permits. */
  private final int[] share;
  private final int mask;
  private final Events events = new Events();

  StripedBulkhead(String name, BulkheadConfig config) {
    if (!config.getMaxWaitDuration().isZero()) {
      throw new IllegalArgumentException("maxWaitDuration: " + config.getMaxWaitDuration() + " (expected: zero; a waiting bulkhead is Resilience4j's own)");
    }
    this.name = name;
    this.config = config;
    int n = ThreadStripe.count();
    int max = config.getMaxConcurrentCalls();
    this.used = new java.util.concurrent.atomic.AtomicIntegerArray((n + 1) * STRIDE);
    this.share = new int[n];
    for (int i = 0; i < n; i++) {
      share[i] = max / n + (i < max % n ? 1 : 0);
    }
    this.mask = n - 1;
  }

  private int home() {
    return ThreadStripe.index() & mask;
  }

  @Override
  public boolean tryAcquirePermission() {
    int home = home();
    for (int k = 0; k < share.length; k++) {
      int i = (home + k) & mask;
      int at = (i + 1) * STRIDE;
      for (int inUse = used.get(at); inUse < share[i]; inUse = used.get(at)) {
        if (used.compareAndSet(at, inUse, inUse + 1)) {
          if (events.hasConsumers()) {
            events.processEvent(new BulkheadOnCallPermittedEvent(name));
          }
          return true;
        }
      }
    }
    if (events.hasConsumers()) {
      events.processEvent(new BulkheadOnCallRejectedEvent(name));
    }
    return false;
  }

  @Override
  public void acquirePermission() {
    if (!tryAcquirePermission()) {
      throw BulkheadFullException.createBulkheadFullException(this);
    }
  }

  @Override
  public void releasePermission() {
    used.decrementAndGet((home() + 1) * STRIDE);
  }

  @Override
  public void onComplete() {
    used.decrementAndGet((home() + 1) * STRIDE);
    if (events.hasConsumers()) {
      events.processEvent(new BulkheadOnCallFinishedEvent(name));
    }
  }

  /** Calls in flight now: the sum of the stripes. */
  int inFlight() {
    int sum = 0;
    for (int i = 1; i <= share.length; i++) {
      sum += used.get(i * STRIDE);
    }
    return sum;
  }

  @Override
  public void changeConfig(BulkheadConfig newConfig) {
    throw new UnsupportedOperationException("Paved's bulkhead has a fixed size: change platform.resilience.*.bulkhead.max-concurrent and restart");
  }

  @Override
  public String getName() {
    return name;
  }

  @Override
  public BulkheadConfig getBulkheadConfig() {
    return config;
  }

  @Override
  public Metrics getMetrics() {
    return new Metrics() {
      @Override
      public int getAvailableConcurrentCalls() {
        return Math.max(0, config.getMaxConcurrentCalls() - inFlight());
      }

      @Override
      public int getMaxAllowedConcurrentCalls() {
        return config.getMaxConcurrentCalls();
      }
    };
  }

  @Override
  public Map<String, String> getTags() {
    return Map.of();
  }

  @Override
  public EventPublisher getEventPublisher() {
    return events;
  }

  private static final class Events extends EventProcessor<BulkheadEvent> implements EventConsumer<BulkheadEvent>, EventPublisher {
    @Override
    public EventPublisher onCallPermitted(EventConsumer<BulkheadOnCallPermittedEvent> consumer) {
      registerConsumer(BulkheadOnCallPermittedEvent.class.getName(), consumer);
      return this;
    }

    @Override
    public EventPublisher onCallRejected(EventConsumer<BulkheadOnCallRejectedEvent> consumer) {
      registerConsumer(BulkheadOnCallRejectedEvent.class.getName(), consumer);
      return this;
    }

    @Override
    public EventPublisher onCallFinished(EventConsumer<BulkheadOnCallFinishedEvent> consumer) {
      registerConsumer(BulkheadOnCallFinishedEvent.class.getName(), consumer);
      return this;
    }

    @Override
    public void consumeEvent(BulkheadEvent event) {
      super.processEvent(event);
    }
  }
}
