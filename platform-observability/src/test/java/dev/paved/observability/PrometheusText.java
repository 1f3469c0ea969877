package dev.paved.observability;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;

/** A strict check of the Prometheus text exposition format (0.0.4), line by line. */
final class PrometheusText {
  private static final Pattern HELP = Pattern.compile("# HELP [a-zA-Z_:][a-zA-Z0-9_:]* .*");
  private static final Pattern TYPE = Pattern.compile("# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)");
  private static final Pattern SAMPLE =
      Pattern.compile(
          "([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{([a-zA-Z_][a-zA-Z0-9_]*=\"([^\"\\\\\\n]|\\\\[\\\\\"n])*\"(,[a-zA-Z_][a-zA-Z0-9_]*=\"([^\"\\\\\\n]|\\\\[\\\\\"n])*\")*,?)?})? "
              + "(-?[0-9.eE+-]+|NaN|\\+Inf|-Inf)( -?[0-9]+)?");

  private PrometheusText() {}

  /**
   * Checks the exposition with Prometheus' own {@code promtool check metrics} when it is installed
   * (CI installs it; on CI its absence is a failure). promtool exits 1 on a parse error and 3 on
   * lint findings: both fail,
   * never Paved's.
   */
  static void assertPromtoolAccepts(String body) throws Exception {
    java.nio.file.Path promtool = null;
    for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      java.nio.file.Path candidate = java.nio.file.Path.of(dir, "promtool");
      if (java.nio.file.Files.isExecutable(candidate)) {
        promtool = candidate;
        break;
      }
    }
    if (promtool == null) {
      assertThat(System.getenv("CI")).as("promtool must be installed on CI (.ci/run installs it)").isNotEqualTo("true");
      return;
    }
    Process p = new ProcessBuilder(promtool.toString(), "check", "metrics").redirectErrorStream(true).start();
    try (var in = p.getOutputStream()) {
      in.write(body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    // No lint finding at all: the JVM metrics follow OpenTelemetry's conventions too (issue 14).
    assertThat(p.exitValue()).as("promtool check metrics: %s", out).isZero();
  }

  static void assertValid(String body) {
    assertThat(body).endsWith("\n");
    Set<String> typed = new HashSet<>();
    int samples = 0;
    for (String line : body.split("\n")) {
      if (line.startsWith("# HELP")) {
        assertThat(line).matches(HELP);
      } else if (line.startsWith("# TYPE")) {
        var m = TYPE.matcher(line);
        assertThat(m.matches()).as("TYPE line: %s", line).isTrue();
        assertThat(typed.add(m.group(1))).as("one TYPE per family: %s", line).isTrue();
      } else if (!line.isEmpty()) {
        assertThat(line).as("sample line").matches(SAMPLE);
        samples++;
      }
    }
    assertThat(samples).isGreaterThan(10);
  }
}
