package dev.paved.benchmarks;

import com.sun.net.httpserver.HttpServer;
import dev.paved.core.Platform;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code Platform.start()} + {@code close()} of core with the admin server, against the same
 * server wired by hand (a JDK HttpServer on an ephemeral port with a bounded executor and the
 * three core endpoints). Target: median under 50 ms on the 2-core development machine.
 *
 * <p>Sample time gives the distribution, so the median (p0.50) is read directly.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 2, jvmArgsAppend = {"-Xms256m", "-Xmx256m"})
public class PlatformStartBenchmark {

  /** Core alone (the modules on this classpath are not discovered): like for like with the hand-wired server. */
  @Benchmark
  public int pavedStartAndClose() {
    return startAndClose(false);
  }

  /**
   * Every module on the benchmarks' classpath, as a service with the whole SDK starts: observability
   * (OpenTelemetry SDK, Prometheus registry, JVM metrics), configuration, flags, secrets,
   * resilience, SLOs and the catalog.
   */
  @Benchmark
  public int pavedAllModulesStartAndClose() {
    return startAndClose(true);
  }

  private static int startAndClose(boolean discoverModules) {
    Platform platform =
        Platform.builder()
            .discoverModules(discoverModules)
            .serviceName("bench")
            .adminPort(0)
            .property("platform.admin.bind-address", "127.0.0.1")
            .shutdownHook(false)
            .property("platform.shutdown.drain", "0s")
            .start();
    int port = platform.admin().port();
    platform.close();
    return port;
  }

  @Benchmark
  public int handWiredStartAndStop() throws IOException {
    ThreadPoolExecutor executor =
        new ThreadPoolExecutor(2, 2, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(64));
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(executor);
    byte[] up = "{\"status\":\"UP\"}".getBytes(StandardCharsets.UTF_8);
    for (String path : new String[] {"/health/live", "/health/ready", "/info"}) {
      server.createContext(
          path,
          exchange -> {
            try (exchange; OutputStream out = exchange.getResponseBody()) {
              exchange.sendResponseHeaders(200, up.length);
              out.write(up);
            }
          });
    }
    server.start();
    int port = server.getAddress().getPort();
    server.stop(0);
    executor.shutdown();
    return port;
  }
}
