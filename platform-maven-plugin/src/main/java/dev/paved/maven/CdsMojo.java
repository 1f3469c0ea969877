package dev.paved.maven;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.jspecify.annotations.Nullable;

/**
 * {@code paved:cds} — an application class-data sharing archive for the executable jar: one
 * training run of the jar ({@code java -XX:ArchiveClassesAtExit=<artifactId>.jsa
 * -Dpaved.training-run=true -jar <artifactId>.jar}, in the jar's directory), which starts the
 * platform and the service as always and exits once ready; the JVM writes every class it loaded
 * into the archive. Starting with {@code -XX:SharedArchiveFile=<artifactId>.jsa} then maps those
 * classes instead of loading, verifying and parsing them again. Nothing else changes: the same
 * code runs and every check (configuration validation included) is still made.
 *
 * <p>Opt-in ({@code paved.cds=true}): the training run starts the service on the build machine,
 * with the build's environment plus {@code paved.cds.environment} (admin port 0, no drain). The archive
 * works only with the JVM that wrote it (this build's, or {@link #java}) and that jar, unchanged
 * (the JVM checks its size and modification time: keep both when copying, {@code cp -p}); with
 * another JVM or jar the JVM says so and starts without it.
 */
@Mojo(name = "cds", defaultPhase = LifecyclePhase.PACKAGE, threadSafe = true)
public final class CdsMojo extends AbstractMojo {
  /** Runs the training and writes the archive; off unless set. */
  @Parameter(property = "paved.cds", defaultValue = "false")
  private boolean enabled;

  /** Skips every Paved goal. */
  @Parameter(property = "paved.skip", defaultValue = "false")
  private boolean skip;

  /** The executable jar the service parent builds. */
  @Parameter(property = "paved.cds.jar", defaultValue = "${project.build.directory}/${project.artifactId}.jar")
  private @Nullable File jar;

  /** The archive written. */
  @Parameter(property = "paved.cds.archive", defaultValue = "${project.build.directory}/${project.artifactId}.jsa")
  private @Nullable File archive;

  /** The {@code java} launcher of the JVM the service will run on; the build's own by default. */
  @Parameter(property = "paved.cds.java")
  private @Nullable String java;

  /** How long the training run may take before the build fails, in seconds. */
  @Parameter(property = "paved.cds.timeout", defaultValue = "120")
  private int timeoutSeconds;

  /**
   * Environment variables of the training run, {@code NAME=value} separated by white space (a
   * value may hold commas, as Paved's lists do), over the build's own and the defaults {@code PLATFORM_ADMIN_PORT=0} and {@code
   * PLATFORM_SHUTDOWN_DRAIN=0s} — the service's own port set to 0, say, or where a dependency it
   * needs at start-up is.
   */
  @Parameter(property = "paved.cds.environment", defaultValue = "")
  private String environment = "";

  /** JVM options of the training run, separated by white space, e.g. {@code -Xmx512m}. */
  @Parameter(property = "paved.cds.jvmArguments", defaultValue = "")
  private String jvmArguments = "";

  @Override
  public void execute() throws MojoExecutionException, MojoFailureException {
    File jarFile = jar;
    File out = archive;
    if (!enabled || skip || jarFile == null || out == null) {
      return;
    }
    if (!jarFile.isFile()) {
      throw new MojoFailureException("paved:cds: no executable jar at " + jarFile + " (it runs after the service parent's shade step, in the package phase)");
    }
    String launcher = java != null && !java.isBlank() ? java : Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path log = jarFile.toPath().resolveSibling(jarFile.getName().replaceFirst("\\.jar$", "") + "-cds-training.log");
    List<String> command = new ArrayList<>();
    command.add(launcher);
    command.add("-XX:ArchiveClassesAtExit=" + out.getAbsolutePath());
    command.add("-D" + dev.paved.core.Platform.TRAINING_RUN + "=true");
    command.add("-Dspring.context.exit=onRefresh"); // a Spring Boot service's own training run
    for (String option : jvmArguments.trim().split("\\s+")) {
      if (!option.isEmpty()) {
        command.add(option);
      }
    }
    command.add("-jar");
    command.add(jarFile.getName()); // relative, run in the jar's directory: the archive follows the jar
    ProcessBuilder builder = new ProcessBuilder(command).directory(jarFile.getParentFile()).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("PLATFORM_ADMIN_PORT", "0");
    builder.environment().put("PLATFORM_SHUTDOWN_DRAIN", "0s");
    String[] pairs = environment.trim().split("\\s+");
    for (int i = 0; i < pairs.length; i++) {
      String pair = pairs[i];
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        // Not echoed: the entry may be part of a secret.
        throw new MojoFailureException(
            "paved:cds: paved.cds.environment: entry " + (i + 1) + " is not NAME=value (expected: NAME=value pairs separated by white space,"
                + " e.g. HTTP_PORT=0 KAFKA_BOOTSTRAP_SERVERS=a:9092,b:9092)");
      }
      builder.environment().put(pair.substring(0, eq), pair.substring(eq + 1));
    }
    long started = System.nanoTime();
    int code;
    try {
      Files.deleteIfExists(out.toPath());
    } catch (IOException e) {
      throw new MojoExecutionException("paved:cds: cannot replace " + out + ": " + e.getMessage(), e);
    }
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new MojoExecutionException("paved:cds: cannot run " + launcher + ": " + e.getMessage(), e);
    }
    try {
      if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        throw new MojoFailureException(
            "paved:cds: the training run did not exit within " + timeoutSeconds + " s (paved.cds.timeout): a training run exits once the service is ready"
                + " (Platform.run with -D" + dev.paved.core.Platform.TRAINING_RUN + "=true); does its start-up wait for something? Its output: " + log + tail(log));
      }
      code = process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MojoExecutionException("paved:cds: interrupted", e);
    } finally {
      if (process.isAlive()) {
        // Timed out or interrupted: the training JVM goes, and with it any archive it would write.
        dev.paved.core.internal.ChildProcesses.kill(process, Duration.ofSeconds(10));
        deleteQuietly(out.toPath());
      }
    }
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    if (code != 0) {
      deleteQuietly(out.toPath()); // written at exit all the same: an archive of a start that failed
      throw new MojoFailureException(
          "paved:cds: the training run exited with " + code + ": the service did not start on the build machine; give it what it needs with"
              + " paved.cds.environment (NAME=value pairs). Its output: " + log + fatal(log) + tail(log));
    }
    if (!out.isFile()) {
      throw new MojoFailureException(
          "paved:cds: the training run exited 0 but wrote no archive (does the main class start through Platform.run, and does this JVM support -XX:ArchiveClassesAtExit, JDK 13+?). Its output: "
              + log + tail(log));
    }
    getLog().info(String.format(
        "Paved: class-data sharing archive %s (%.1f MB) from a training run of %d ms; start in %s with: java -XX:SharedArchiveFile=%s -jar %s (only with the JVM %s and this jar;"
            + " -Xlog:cds says why the JVM does not use it)",
        out.getName(), out.length() / 1e6, millis, jarFile.getParent(), out.getName(), jarFile.getName(), launcher));
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // Left as it is; the next build replaces it.
    }
  }

  /** The platform's fatal event (why start-up failed), which the last lines — shutdown phases, the JDK's CDS warnings — do not show. */
  private static String fatal(Path log) {
    try {
      StringBuilder b = new StringBuilder();
      for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
        if (line.contains("\"event.kind\":\"fatal\"")) {
          b.append("\nWhy: ").append(line.length() > 4000 ? line.substring(0, 4000) + "…" : line);
        }
      }
      return b.toString();
    } catch (IOException e) {
      return "";
    }
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return "\nIts last lines:\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
    } catch (IOException e) {
      return "";
    }
  }
}
