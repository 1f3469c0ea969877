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
