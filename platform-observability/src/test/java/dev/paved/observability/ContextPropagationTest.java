package dev.paved.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Scope;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Tasks run in the context of the code that submitted them, so logs keep their trace ids across hops. */
@Timeout(30)
class ContextPropagationTest {
  private static final SpanContext REQUEST =
      SpanContext.create("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", TraceFlags.getSampled(), TraceState.getDefault());

  private static String currentTraceId() {
    return Span.current().getSpanContext().getTraceId();
  }

  @Test
  void executorServiceRunsTasksInTheSubmittersContext() throws Exception {
    ExecutorService pool = Observability.propagating(Executors.newFixedThreadPool(2));
    try (Scope s = Span.wrap(REQUEST).makeCurrent()) {
      assertThat(pool.submit(ContextPropagationTest::currentTraceId).get(5, TimeUnit.SECONDS)).isEqualTo(REQUEST.getTraceId());
    }
    // Outside the scope, tasks see no trace.
    assertThat(pool.submit(ContextPropagationTest::currentTraceId).get(5, TimeUnit.SECONDS)).isEqualTo(SpanContext.getInvalid().getTraceId());
    pool.shutdownNow();
  }

  @Test
  void plainExecutorAndCompletableFuturesKeepTheContext() throws Exception {
    ExecutorService raw = Executors.newSingleThreadExecutor();
    java.util.concurrent.Executor executor = Observability.propagating((java.util.concurrent.Executor) raw);
    try (Scope s = Span.wrap(REQUEST).makeCurrent()) {
      CompletableFuture<String> f = CompletableFuture.supplyAsync(ContextPropagationTest::currentTraceId, executor);
      assertThat(f.get(5, TimeUnit.SECONDS)).isEqualTo(REQUEST.getTraceId());
    }
    raw.shutdownNow();
  }

  @Test
  void scheduledTasksKeepTheContext() throws Exception {
    ScheduledExecutorService scheduler = Observability.propagating(Executors.newSingleThreadScheduledExecutor());
    AtomicReference<String> seen = new AtomicReference<>();
    try (Scope s = Span.wrap(REQUEST).makeCurrent()) {
      scheduler.schedule(() -> seen.set(currentTraceId()), 10, TimeUnit.MILLISECONDS).get(5, TimeUnit.SECONDS);
    }
    assertThat(seen.get()).isEqualTo(REQUEST.getTraceId());
    scheduler.shutdownNow();
  }

  @Test
  void virtualThreadsKeepTheContextWhenTheJvmHasThem() throws Exception {
    // Virtual threads exist from Java 21; Paved targets 17. VirtualThreadsIT runs this same check
    // on Java 21+ (see the pom's java21 profile); here the API is reached by reflection.
    java.lang.reflect.Method factory;
    try {
      factory = Executors.class.getMethod("newVirtualThreadPerTaskExecutor");
    } catch (NoSuchMethodException java17) {
      assertThat(Runtime.version().feature()).isLessThan(21);
      assertThat(Boolean.getBoolean("paved.expectVirtualThreads")).as("this run was meant to have virtual threads").isFalse();
      return;
    }
    assertThat(Runtime.version().feature()).isGreaterThanOrEqualTo(21);
    ExecutorService virtual = Observability.propagating((ExecutorService) factory.invoke(null));
    try (Scope s = Span.wrap(REQUEST).makeCurrent()) {
      assertThat(virtual.submit(ContextPropagationTest::currentTraceId).get(5, TimeUnit.SECONDS)).isEqualTo(REQUEST.getTraceId());
      boolean isVirtual = virtual.submit(() -> (Boolean) Thread.class.getMethod("isVirtual").invoke(Thread.currentThread())).get(5, TimeUnit.SECONDS);
      assertThat(isVirtual).isTrue();
    }
    virtual.shutdownNow();
  }
}
