package dev.paved.messaging;

import dev.paved.core.ConfigKey;
import dev.paved.core.spi.ModuleContext;
import dev.paved.core.spi.PlatformModule;
import dev.paved.observability.Observability;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.LoggerFactory;

/**
 * Publishes {@link Events} when {@code kafka-clients} is on the class path. Consumers stop
 * polling when graceful shutdown begins ({@link #stopIntake}); their records in progress are
 * waited for with the platform's other in-flight work; then each commits, leaves its group and
 * closes ({@link #stop}).
 */
public final class MessagingModule implements PlatformModule {
  private volatile @Nullable Events consumers;

  @Override
  public String name() {
    return "messaging";
  }

  @Override
  public Set<String> dependsOn() {
    return Set.of("observability");
  }

  @Override
  public List<ConfigKey<?>> configKeys() {
    return MessagingSettings.keys();
  }

  @Override
  public void start(ModuleContext context) {
    try {
      Class.forName("org.apache.kafka.clients.consumer.KafkaConsumer", false, MessagingModule.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      LoggerFactory.getLogger(MessagingModule.class).debug("kafka-clients is not on the class path: no event consumers");
      return;
    }
    Observability obs = context.component(Observability.class).orElseThrow(() -> new IllegalStateException("platform-observability did not start"));
    Events c = new Events(context, obs);
    context.register(Events.class, c);
    this.consumers = c;
    context.admin().addEndpoint("/consumers", request -> dev.paved.core.AdminResponse.json(200, java.util.Map.of("consumers", consoleView(c))));
  }

  @Override
  public void stopIntake() {
    Events c = consumers;
    if (c != null) {
      c.stopIntake();
    }
  }

  @Override
  public void stop() {
    Events c = consumers;
    if (c != null) {
      c.close();
    }
  }

  /** What the admin console shows of each consumer: its group, assignment and lag per partition. */
  private static java.util.List<Object> consoleView(Events events) {
    java.util.List<Object> out = new java.util.ArrayList<>();
    for (EventConsumer<?, ?> consumer : events.consumers()) {
      java.util.Map<String, Long> lag = new java.util.TreeMap<>();
      consumer.lag().forEach((tp, n) -> lag.put(tp.toString(), n));
      java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
      m.put("name", consumer.name());
      m.put("group", consumer.group());
      m.put("assignment", consumer.assignment().stream().map(Object::toString).sorted().toList());
      m.put("lag", lag);
      m.put("totalLag", lag.values().stream().mapToLong(Long::longValue).sum());
      out.add(m);
    }
    return out;
  }
}
