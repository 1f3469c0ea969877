package dev.paved.observability;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.AppenderBase;
import dev.paved.observability.internal.CountingAsyncAppender;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A log sink that blocks must not block the threads that log: events are dropped and counted. */
@Timeout(30)
class CountingAsyncAppenderTest {

  @Test
  void blockedSinkNeverBlocksTheLoggingThreadAndDropsAreCounted() throws Exception {
    LoggerContext context = new LoggerContext();
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger written = new AtomicInteger();
    AppenderBase<ILoggingEvent> blockingSink =
        new AppenderBase<>() {
          @Override
          protected void append(ILoggingEvent e) {
            try {
              release.await();
            } catch (InterruptedException ie) {
              Thread.currentThread().interrupt();
            }
            written.incrementAndGet();
          }
        };
    blockingSink.setContext(context);
    blockingSink.start();
    CountingAsyncAppender async = new CountingAsyncAppender();
    async.setContext(context);
    async.setQueueSize(16);
    async.addAppender(blockingSink);
    async.start();
    Logger logger = context.getLogger("test");
    long droppedBefore = CountingAsyncAppender.dropped();

    long start = System.nanoTime();
    for (int i = 0; i < 1_000; i++) {
      LoggingEvent e = new LoggingEvent(Logger.class.getName(), logger, Level.INFO, "event " + i, null, null);
      e.setMDCPropertyMap(Map.of());
      async.doAppend(e);
    }
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

    // Logback's worker drains the queue into a batch (up to 16) and blocks on its first event;
    // another 16 then fill the queue. Everything else is dropped, and counted.
    long dropped = CountingAsyncAppender.dropped() - droppedBefore;
    assertThat(tookMs).as("logging 1000 events into a blocked sink took %d ms", tookMs).isLessThan(5_000);
    assertThat(dropped).isBetween(1_000L - 2 * 16 - 1, 1_000L - 16);
    release.countDown();
    async.stop();
    assertThat(written.get() + dropped).isEqualTo(1_000);
    context.stop();
  }
}
