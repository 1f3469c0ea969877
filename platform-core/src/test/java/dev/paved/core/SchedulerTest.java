package dev.paved.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.paved.core.spi.ModuleContext;
import dev.paved.core.spi.PlatformModule;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** ModuleContext.every: the one scheduler of the modules' periodic work. */
@Timeout(30)
class SchedulerTest {
  @Test
  void aRunThatThrowsAnErrorIsLoggedAndTheScheduleGoesOn() {
    AtomicInteger runs = new AtomicInteger();
    PlatformModule module =
        new PlatformModule() {
          @Override
          public String name() {
            return "ticking";
          }

          @Override
          public void start(ModuleContext context) {
            context.every("ticking", Duration.ofMillis(20), () -> {
              if (runs.incrementAndGet() <= 2) {
                throw new AssertionError("a bug in the task"); // not a RuntimeException
              }
            });
          }
        };
    try (Platform p = TestPlatforms.isolated().module(module).start()) {
      await().atMost(Duration.ofSeconds(10)).until(() -> runs.get() >= 4);
    }
  }

  @Test
  void noRunStartsOrIsStillRunningOnceTheModulesStop() {
    AtomicBoolean stopped = new AtomicBoolean();
    AtomicBoolean ranAfterStop = new AtomicBoolean();
    AtomicInteger runs = new AtomicInteger();
    PlatformModule module =
        new PlatformModule() {
          @Override
          public String name() {
            return "slow-ticking";
          }

          @Override
          public void start(ModuleContext context) {
            context.every("slow-ticking", Duration.ofMillis(5), () -> {
              runs.incrementAndGet();
              try {
                Thread.sleep(50); // a run that takes a while: stop must wait for it
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              if (stopped.get()) {
                ranAfterStop.set(true);
              }
            });
          }

          @Override
          public void stop() {
            stopped.set(true);
          }
        };
    Platform p = TestPlatforms.isolated().module(module).start();
    await().atMost(Duration.ofSeconds(10)).until(() -> runs.get() >= 2);
    p.close();
    assertThat(ranAfterStop).as("a run was in progress when the module stopped").isFalse();
  }
}
