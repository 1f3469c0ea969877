package dev.paved.benchmarks;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The first start + close in a fresh JVM (class loading, no JIT), which is what a service feels at
 * boot: one shot per fork, many forks. Logging is initialised before the shot in both cases
 * (Logback's own first initialisation takes about 270 ms here and is the same for any service that
 * logs), so the figure is what Paved adds.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 0)
@Measurement(iterations = 1)
@Fork(value = 15, jvmArgsAppend = {"-Xms256m", "-Xmx256m"})
@State(Scope.Benchmark)
public class ColdStartBenchmark {

  @Setup
  public void initialiseLogging() {
    org.slf4j.LoggerFactory.getLogger(ColdStartBenchmark.class).debug("logging initialised");
  }
  @Benchmark
  public int pavedFirstStartAndClose() {
    return new PlatformStartBenchmark().pavedStartAndClose();
  }

  @Benchmark
  public int handWiredFirstStartAndStop() throws IOException {
    return new PlatformStartBenchmark().handWiredStartAndStop();
  }
}
