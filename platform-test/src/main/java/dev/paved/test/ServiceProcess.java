package dev.paved.test;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * A service run as a real process, for the tests that need one (its jar as the README runs it,
 * its shutdown on SIGTERM, its exit code on bad configuration): started with an ephemeral admin
 * port and, of the developer's environment, only what a JVM needs ({@code PATH}, {@code HOME},
 * {@code LANG}, {@code TZ}, {@code JAVA_HOME}, ...: no {@code PLATFORM_*}, {@code OTEL_*}, {@code
 * VAULT_*} or {@code UNLEASH_*}), its standard
 * output and error read line by line and each JSON line parsed.
 *
 * <pre>{@code
 * try (ServiceProcess app = ServiceProcess.jar(Path.of("target", "orders.jar")).env("HTTP_PORT", "0").start()) {
 *   app.awaitReady();                                   // GET /health/ready on its admin port answers 200
 *   HttpResponse<String> info = app.admin("/info");
 *   app.sigterm();
 *   assertThat(app.awaitExit()).isZero();
 *   assertThat(app.shutdownPhases()).containsExactly("readiness-down", "drain", "in-flight", "modules", "admin");
 * }
 * }</pre>
 *
 * Every wait is bounded ({@link Builder#timeout}, default 60 s) and fails with an {@code
 * AssertionError} that shows the process's last lines.
 */
public final class ServiceProcess implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int SHOWN_LINES = 40;
  /** The variables a process inherits from the test's environment; {@link Builder#env} adds the rest. */
  static final java.util.Set<String> INHERITED = java.util.Set.of("PATH", "HOME", "USER", "TMPDIR", "TMP", "TEMP", "LANG", "LC_ALL", "TZ", "JAVA_HOME", "SYSTEMROOT");

  private final Process process;
  private final Duration timeout;
  private final List<String> lines = new ArrayList<>();
  private final List<Map<String, Object>> events = new ArrayList<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final Thread reader;

  private ServiceProcess(Process process, Duration timeout) {
    this.process = process;
    this.timeout = timeout;
    this.reader = new Thread(this::read, "service-process-" + process.pid());
    reader.setDaemon(true);
    reader.start();
  }

  /** A service jar run with {@code java -jar} (this JVM's {@code java}). */
  public static Builder jar(Path jar) {
    return new Builder(List.of("-jar", jar.toString()), jar);
  }

  /** A main class run on this JVM's class path: a test's own small service. */
  public static Builder mainClass(Class<?> mainClass) {
    return new Builder(List.of("-cp", System.getProperty("java.class.path"), mainClass.getName()), null);
  }

  /** How to start it. */
  public static final class Builder {
    private final List<String> launch;
    private final @Nullable Path jar;
    private final Map<String, String> env = new LinkedHashMap<>();
    private final List<String> jvmArgs = new ArrayList<>();
    private final List<String> args = new ArrayList<>();
    private Duration timeout = Duration.ofSeconds(60);

    private Builder(List<String> launch, @Nullable Path jar) {
      this.launch = launch;
      this.jar = jar;
      env.put("PLATFORM_ADMIN_PORT", "0");
    }

    /** An environment variable of the process (over the inherited ones). */
    public Builder env(String name, String value) {
      env.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /** A system property, as {@code -Dname=value}. */
    public Builder property(String name, String value) {
      jvmArgs.add("-D" + name + "=" + value);
      return this;
    }

    /** An argument to the JVM ({@code -Xmx64m}). */
    public Builder jvmArg(String arg) {
      jvmArgs.add(arg);
      return this;
    }

    /** An argument to the service's {@code main}. */
    public Builder arg(String arg) {
      args.add(arg);
      return this;
    }

    /** The bound of every wait (default 60 s). */
    public Builder timeout(Duration timeout) {
      this.timeout = timeout;
      return this;
    }

    /**
     * Starts it.
     *
     * @throws IllegalStateException when the jar does not exist (build it first: {@code mvn package})
     */
    public ServiceProcess start() {
      Path j = jar;
      if (j != null && !Files.isRegularFile(j)) {
        throw new IllegalStateException(j + " does not exist: the process test runs after the jar is built (mvn verify runs it in the integration-test phase)");
      }
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(jvmArgs);
      command.addAll(launch);
      command.addAll(args);
      ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
      // Only what a JVM needs from the developer's shell: no PLATFORM_*, OTEL_*, VAULT_*,
      // UNLEASH_* or the service's own variables leak into the test.
      pb.environment().keySet().retainAll(INHERITED);
      pb.environment().putAll(env);
      try {
        return new ServiceProcess(pb.start(), timeout);
      } catch (IOException e) {
        throw new UncheckedIOException("could not start " + command, e);
      }
    }
  }

  private void read() {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        Map<String, Object> event = parse(line);
        synchronized (lines) {
          lines.add(line);
          if (event != null) {
            events.add(event);
          }
        }
      }
    } catch (IOException e) {
      synchronized (lines) {
        lines.add("(reading the output failed: " + e + ")");
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static @Nullable Map<String, Object> parse(String line) {
    if (!line.startsWith("{")) {
      return null;
    }
    try {
      return JSON.readValue(line, Map.class);
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  /** Every line the process wrote so far (standard output and error). */
  public List<String> lines() {
    synchronized (lines) {
      return List.copyOf(lines);
    }
  }

  /** Every JSON line so far, parsed (field names as written: {@code message}, {@code trace_id}, ...). */
  public List<Map<String, Object>> events() {
    synchronized (lines) {
      return List.copyOf(events);
    }
  }

  /** Waits for a line that matches. */
  public String awaitLine(Predicate<String> matches, String description) {
    return await(() -> lines().stream().filter(matches).findFirst(), description);
  }

  /** Waits for a JSON line that matches. */
  public Map<String, Object> awaitEvent(Predicate<Map<String, Object>> matches, String description) {
    return await(() -> events().stream().filter(matches).findFirst(), description);
  }

  /** Waits for a JSON line whose {@code field} is {@code value} (compared as text). */
  public Map<String, Object> awaitEvent(String field, Object value) {
    return awaitEvent(e -> String.valueOf(value).equals(String.valueOf(e.get(field))), "a JSON line with " + field + "=" + value);
  }

  /** The admin port the platform bound, from its start-up event ({@code paved.admin.port}). */
  public int adminPort() {
    Object port = awaitEvent("event.kind", "started").get("paved.admin.port");
    if (!(port instanceof Number n)) {
      throw new AssertionError("the start-up event carries no paved.admin.port: " + port);
    }
    return n.intValue();
  }

  /** Waits until {@code /health/ready} on the admin port answers 200; returns the admin port. */
  public int awaitReady() {
    int port = adminPort();
    await(
        () -> {
          try {
            return Optional.of(admin("/health/ready")).filter(r -> r.statusCode() == 200);
          } catch (UncheckedIOException e) {
            return Optional.empty();
          }
        },
        "GET /health/ready answering 200 on the admin port " + port);
    return port;
  }

  /** {@code GET path} on the admin port. */
  public HttpResponse<String> admin(String path) {
    return get(URI.create("http://127.0.0.1:" + adminPort() + path));
  }

  /** {@code GET uri}, for the service's own port. */
  public HttpResponse<String> get(URI uri) {
    try {
      return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** Sends SIGTERM, as Kubernetes does on a pod's deletion (the JVM runs its shutdown hooks). */
  public void sigterm() {
    // Through the handle: Process.destroy() would also close this side of its output.
    process.toHandle().destroy();
  }

  /**
   * Waits for the process to end and for its last line to be read; returns its exit code.
   *
   * @throws AssertionError when it is still running after the timeout
   */
  public int awaitExit() {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError("the process " + process.pid() + " still runs after " + timeout + "; its last lines:\n" + tail());
      }
      reader.join(timeout.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
    return process.exitValue();
  }

  /** The shutdown phases it logged ({@code "event.kind":"shutdown_phase"}), in order. */
  public List<String> shutdownPhases() {
    List<String> out = new ArrayList<>();
    for (Map<String, Object> e : events()) {
      if ("shutdown_phase".equals(e.get("event.kind"))) {
        out.add(String.valueOf(e.get("paved.shutdown.phase")));
      }
    }
    return out;
  }

  /** Whether it is still running. */
  public boolean isAlive() {
    return process.isAlive();
  }

  /** Its process id. */
  public long pid() {
    return process.pid();
  }

  /** Kills it if it still runs. */
  @Override
  public void close() {
    dev.paved.core.internal.ChildProcesses.kill(process, java.time.Duration.ofSeconds(10));
  }

  /**
   * Polls {@code probe} (Awaitility, as the kit's other waits) until it finds something; fails at
   * once when the process has ended and all its output was read without it.
   */
  private <T> T await(java.util.function.Supplier<Optional<T>> probe, String description) {
    Optional<T> found;
    try {
      found =
          Awaitility.await()
              .atMost(timeout)
              .pollInterval(Duration.ofMillis(20))
              .until(
                  () -> {
                    boolean ended = !reader.isAlive();
                    Optional<T> now = probe.get();
                    return now.isPresent() || ended ? Optional.of(now) : Optional.<Optional<T>>empty();
                  },
                  Optional::isPresent)
              .orElseThrow();
    } catch (ConditionTimeoutException e) {
      found = Optional.empty();
    }
    if (found.isPresent()) {
      return found.get();
    }
    throw new AssertionError(
        "no " + description + (process.isAlive() ? " within " + timeout : " before the process exited with " + process.exitValue())
            + "; its last lines:\n" + tail());
  }

  private String tail() {
    List<String> all = lines();
    return String.join("\n", all.subList(Math.max(0, all.size() - SHOWN_LINES), all.size()));
  }
}
