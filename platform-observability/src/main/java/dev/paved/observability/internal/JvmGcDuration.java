package dev.paved.observability.internal;

import com.sun.management.GarbageCollectionNotificationInfo;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * {@code jvm.gc.duration} as OpenTelemetry's JVM semantic conventions define it: a histogram, in
 * seconds, of each collection, with {@code jvm.gc.name} and {@code jvm.gc.action}, and the
 * conventions' advised buckets (0.01, 0.1, 1, 10 s). Micrometer 1.17 ships OpenTelemetry
 * conventions for memory, threads, classes and CPU but keeps its garbage-collection one
 * package-private, so Paved records this one itself, from the same JMX notifications
 * Micrometer's {@code JvmGcMetrics} listens to. Internal: not for public use.
 */
public final class JvmGcDuration implements MeterBinder, AutoCloseable {
  private static final Duration[] BUCKETS = {
    Duration.ofMillis(10), Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(10)
  };

  private final List<Runnable> unsubscribe = new ArrayList<>();

  @Override
  public void bindTo(MeterRegistry registry) {
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (!(gc instanceof NotificationEmitter emitter)) {
        continue;
      }
      NotificationListener listener = (notification, handback) -> record(registry, notification);
      emitter.addNotificationListener(
          listener, n -> GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType()), null);
      unsubscribe.add(
          () -> {
            try {
              emitter.removeNotificationListener(listener);
            } catch (ListenerNotFoundException ignored) {
              // already gone
            }
          });
    }
  }

  private static void record(MeterRegistry registry, Notification notification) {
    if (!(notification.getUserData() instanceof CompositeData data)) {
      return;
    }
    GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from(data);
    Timer.builder("jvm.gc.duration")
        .description("Duration of JVM garbage collection actions")
        .tag("jvm.gc.name", info.getGcName())
        .tag("jvm.gc.action", info.getGcAction())
        .serviceLevelObjectives(BUCKETS)
        .register(registry)
        .record(Duration.ofMillis(info.getGcInfo().getDuration()));
  }

  @Override
  public void close() {
    unsubscribe.forEach(Runnable::run);
    unsubscribe.clear();
  }
}
