package dev.paved.spring.slow;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/** An application whose start-up takes as long as a test wants (a migration, a cache warm-up). */
@SpringBootApplication
public class SlowStartApplication {
  /** Released by the test: until then the context is still starting. */
  public static final CountDownLatch RELEASE = new CountDownLatch(1);

  @Bean
  SmartInitializingSingleton warmUp() {
    return () -> {
      try {
        if (!RELEASE.await(30, TimeUnit.SECONDS)) {
          throw new IllegalStateException("not released");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    };
  }
}
