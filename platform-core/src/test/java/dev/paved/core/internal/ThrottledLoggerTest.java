package dev.paved.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class ThrottledLoggerTest {
  private final LoggerContext context = new LoggerContext();
  private final Logger logger = context.getLogger("throttled");
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  private final AtomicLong now = new AtomicLong(1_000_000_000L);

  @BeforeEach
  void attach() {
    appender.setContext(context);
    appender.start();
    logger.addAppender(appender);
  }

  @AfterEach
  void detach() {
    context.stop();
  }

  private List<String> messages() {
    synchronized (appender.list) {
      return appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }
  }

  @Test
  void logsTheBurstThenOneAMinuteWithTheSuppressedCount() {
    ThrottledLogger throttled = new ThrottledLogger(logger, now::get);
    for (int i = 0; i < 20; i++) {
      throttled.warn("down " + i, null);
    }
    assertThat(messages()).containsExactly("down 0", "down 1", "down 2", "down 3", "down 4");
    assertThat(throttled.suppressed()).isEqualTo(15);

    now.addAndGet(TimeUnit.SECONDS.toNanos(59));
    throttled.warn("still down", null);
    assertThat(messages()).hasSize(5);

    now.addAndGet(TimeUnit.SECONDS.toNanos(1));
    throttled.warn("still down", null);
    assertThat(messages()).hasSize(6).last().isEqualTo("still down (16 similar messages suppressed)");
    assertThat(throttled.suppressed()).isZero();
  }

  @Test
  @Timeout(10)
  void concurrentCallersNeverGetPastTheLimit() throws Exception {
    ThrottledLogger throttled = new ThrottledLogger(logger, now::get);
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    try {
      for (int t = 0; t < threads; t++) {
        pool.execute(
            () -> {
              try {
                start.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
              }
              for (int i = 0; i < 1_000; i++) {
                throttled.warn("x", null);
              }
            });
      }
      start.countDown();
      pool.shutdown();
      assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    } finally {
      pool.shutdownNow();
    }
    // The clock did not move: exactly the burst, and everything else counted.
    assertThat(messages()).hasSize(ThrottledLogger.BURST);
    assertThat(throttled.suppressed()).isEqualTo(threads * 1_000L - ThrottledLogger.BURST);
  }

  @Test
  void passesTheThrowableAsTheThrowable() {
    ThrottledLogger throttled = new ThrottledLogger(logger, now::get);
    throttled.warn("failed", new IllegalStateException("boom"));
    assertThat(appender.list.get(0).getThrowableProxy().getMessage()).isEqualTo("boom");
  }
}
