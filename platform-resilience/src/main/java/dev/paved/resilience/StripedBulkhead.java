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
import java.util.concurrent.atomic.AtomicInteger;

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
  /** One stripe's count of permits in use, padded onto its own cache line. */
  @SuppressWarnings("unused")
  static final class Stripe extends AtomicInteger {
    private static final long serialVersionUID = 1L;
    long p1, p2, p3, p4, p5, p6, p7;
    final int share;
    long q1, q2, q3, q4, q5, q6, q7;

    Stripe(int share) {
      this.share = share;
    }
  }

  private final String name;
  private final BulkheadConfig config;
  private final Stripe[] stripes;
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
    this.stripes = new Stripe[n];
    for (int i = 0; i < n; i++) {
      stripes[i] = new Stripe(max / n + (i < max % n ? 1 : 0));
    }
    this.mask = n - 1;
  }

  private int home() {
    return ThreadStripe.index() & mask;
  }

  @Override
  public boolean tryAcquirePermission() {
    int home = home();
    for (int k = 0; k < stripes.length; k++) {
      Stripe s = stripes[(home + k) & mask];
      for (int used = s.get(); used < s.share; used = s.get()) {
        if (s.compareAndSet(used, used + 1)) {
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
    stripes[home()].decrementAndGet();
  }

  @Override
  public void onComplete() {
    stripes[home()].decrementAndGet();
    if (events.hasConsumers()) {
      events.processEvent(new BulkheadOnCallFinishedEvent(name));
    }
  }

  /** Calls in flight now: the sum of the stripes. */
  int inFlight() {
    int sum = 0;
    for (Stripe s : stripes) {
      sum += s.get();
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
