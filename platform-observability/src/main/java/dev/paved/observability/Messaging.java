package dev.paved.observability;

import dev.paved.core.InFlight;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.ContextPropagators;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Messaging instrumentation for any broker whose messages carry string headers: the producer
 * injects the current context into the headers and gets a PRODUCER span ({@code send orders}); the
 * consumer extracts it and runs its handler in a CONSUMER span ({@code process orders}) whose
 * parent is the producer's, with {@code messaging.process.duration} and in-flight counting.
 * Kafka has a ready-made adapter: {@link KafkaMessaging}.
 */
public final class Messaging {
  static final String PROCESS_DURATION = "messaging.process.duration";
  static final String CLIENT_DURATION = "messaging.client.operation.duration";

  static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("messaging.system");
  static final AttributeKey<String> DESTINATION = AttributeKey.stringKey("messaging.destination.name");
  static final AttributeKey<String> OPERATION_TYPE = AttributeKey.stringKey("messaging.operation.type");
  static final AttributeKey<String> OPERATION_NAME = AttributeKey.stringKey("messaging.operation.name");

  /** Span names are made once per destination, for this many destinations (a pattern subscription can name many). */
  private static final int MAX_NAMED_DESTINATIONS = 1024;

  final ContextPropagators propagators;
  private final Map<String, String> processSpanNames = new java.util.concurrent.ConcurrentHashMap<>();
  final Tracer tracer;
  private final RedMeters processDuration;
  private final RedMeters clientDuration;
  private final InFlight inFlight;
  /** Replaced whole when a listener is added; the processing path reads one volatile field. */
  private volatile MessageProcessListener[] listeners = new MessageProcessListener[0];
  private final dev.paved.core.internal.ListenerFailures listenerFailures =
      new dev.paved.core.internal.ListenerFailures(org.slf4j.LoggerFactory.getLogger(Messaging.class), "message processing");

  Messaging(ContextPropagators propagators, Tracer tracer, MeterRegistry registry, int maxSeries, InFlight inFlight) {
    this.propagators = propagators;
    this.tracer = tracer;
    this.inFlight = inFlight;
    List<String> labels = List.of("messaging.system", "messaging.destination.name", "messaging.operation.name", "error.type");
    this.processDuration = new RedMeters(registry, PROCESS_DURATION, "Duration of processing one message", labels, maxSeries);
    this.clientDuration = new RedMeters(registry, CLIENT_DURATION, "Duration of a messaging client operation", labels, maxSeries);
  }

  /** Tells {@code listener} of every message processed from now on. */
  public synchronized void addProcessListener(MessageProcessListener listener) {
    MessageProcessListener[] next = java.util.Arrays.copyOf(listeners, listeners.length + 1);
    next[next.length - 1] = java.util.Objects.requireNonNull(listener, "listener");
    listeners = next;
  }

  /** Writes the current context into {@code headers}. */
  public void inject(Map<String, String> headers) {
    inject(Context.current(), headers);
  }

  /** Writes {@code context} into {@code headers}. */
  public void inject(Context context, Map<String, String> headers) {
    propagators.getTextMapPropagator().inject(context, headers, MapCarrier.SETTER);
  }

  /** The context carried by {@code headers}. */
  public Context extract(Map<String, String> headers) {
    return propagators.getTextMapPropagator().extract(Context.root(), headers, MapCarrier.GETTER);
  }

  /**
   * Sends a message: a PRODUCER span around {@code send}, with the span's context injected into
   * {@code headers} before {@code send} runs (so {@code send} must copy the headers into the
   * message).
   */
  public <T> T send(String system, String destination, Map<String, String> headers, Callable<T> send) throws Exception {
    Span span = startProducer(system, destination);
    long start = System.nanoTime();
    String errorType = "";
    try (Scope scope = span.makeCurrent()) {
      try {
        inject(headers);
        return send.call();
      } catch (Exception | Error e) {
        errorType = e.getClass().getName();
        span.recordException(e);
        throw e;
      } finally {
        endProducer(span, system, destination, errorType, System.nanoTime() - start);
      }
    }
  }

  /** Processes a message in a CONSUMER span whose parent is the context in {@code headers}. */
  public <T> T process(String system, String destination, Map<String, String> headers, Callable<T> handler) throws Exception {
    return process(system, destination, extract(headers), b -> {}, handler);
  }

  /** The span name of processing from {@code destination}, {@code process <destination>}, made once per destination. */
  private String processSpanName(String destination) {
    String name = processSpanNames.get(destination);
    if (name == null) {
      name = "process " + destination;
      if (processSpanNames.size() < MAX_NAMED_DESTINATIONS) {
        processSpanNames.put(destination, name);
      }
    }
    return name;
  }

  /** {@code extra} adds the broker's own attributes to the span before it starts (no map per message). */
  <T> T process(
      String system, String destination, Context parent, java.util.function.Consumer<SpanBuilder> extra, Callable<T> handler)
      throws Exception {
    SpanBuilder builder =
        tracer
            .spanBuilder(processSpanName(destination))
            .setSpanKind(SpanKind.CONSUMER)
            .setParent(parent)
            .setAttribute(SYSTEM, system)
            .setAttribute(DESTINATION, destination)
            .setAttribute(OPERATION_TYPE, "process")
            .setAttribute(OPERATION_NAME, "process");
    extra.accept(builder);
    Span span = builder.startSpan();
    long start = System.nanoTime();
    String errorType = "";
    try (Scope scope = span.makeCurrent(); InFlight.Ticket ticket = inFlight.begin()) {
      try {
        return handler.call();
      } catch (Exception | Error e) {
        errorType = e.getClass().getName();
        span.recordException(e);
        span.setStatus(StatusCode.ERROR);
        span.setAttribute(HttpInstrumentation.ERROR_TYPE, errorType);
        throw e;
      } finally {
        long nanos = System.nanoTime() - start;
        processDuration.record(nanos, system, destination, "process", errorType, "");
        for (MessageProcessListener listener : listeners) {
          try {
            listener.onMessageProcessed(destination, !errorType.isEmpty(), nanos);
          } catch (RuntimeException e) {
            listenerFailures.failed(e); // never changes the outcome of processing
          }
        }
        span.end();
      }
    }
  }

  Span startProducer(String system, String destination) {
    return tracer
        .spanBuilder("send " + destination)
        .setSpanKind(SpanKind.PRODUCER)
        .setAttribute(SYSTEM, system)
        .setAttribute(DESTINATION, destination)
        .setAttribute(OPERATION_TYPE, "send")
        .setAttribute(OPERATION_NAME, "send")
        .startSpan();
  }

  void endProducer(Span span, String system, String destination, String errorType, long nanos) {
    if (!errorType.isEmpty()) {
      span.setStatus(StatusCode.ERROR);
      span.setAttribute(HttpInstrumentation.ERROR_TYPE, errorType);
    }
    clientDuration.record(nanos, system, destination, "send", errorType, "");
    span.end();
  }
}
