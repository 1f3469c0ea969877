package dev.paved.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The deadline header parsers never throw and never overflow (regression: {@code
 * x-paved-timeout-ms: 9223372036854775807} made {@code Duration.toNanos()} throw inside the server
 * filter, and the request got no response, log line, span or metric).
 */
class DeadlinesTest {
  private static final TextMapGetter<Map<String, String>> MAP = MapCarrier.GETTER;

  @Test
  void overflowingValuesOfEveryFormAreClampedToTheMaximum() {
    assertThat(Deadlines.millis("9223372036854775807")).isEqualTo(Deadlines.MAX_TIMEOUT);
    assertThat(Deadlines.millis("99999999999999999999999")).isEqualTo(Deadlines.MAX_TIMEOUT);
    assertThat(Deadlines.grpcTimeout("99999999H")).isEqualTo(Deadlines.MAX_TIMEOUT);
    assertThat(Deadlines.grpcTimeout("99999999u")).isEqualTo(Duration.ofNanos(99_999_999_000L));
    assertThat(Deadlines.fromHeaders(Map.of("x-envoy-expected-rq-timeout-ms", "9223372036854775807"), MAP))
        .isEqualTo(Deadlines.MAX_TIMEOUT);
    Context c = Deadlines.withTimeout(Context.root(), Duration.ofSeconds(Long.MAX_VALUE));
    assertThat(Deadlines.remaining(c).orElseThrow()).isLessThanOrEqualTo(Deadlines.MAX_TIMEOUT);
    assertThat(Deadlines.remaining(Deadlines.withTimeout(Context.root(), Duration.ofMillis(-5))).orElseThrow()).isZero();
  }

  @Test
  void malformedValuesAreIgnored() {
    for (String bad : List.of("", " ", "-1", "1.5", "0x10", "1e3", "+5", "१२३", "5ms", "\u0000")) {
      assertThat(Deadlines.millis(bad)).as("'%s'", bad).isNull();
    }
    for (String bad : List.of("", "S", "1", "123456789S", "-1S", "1s", "1h", "1 S", "+1S", "१S")) {
      assertThat(Deadlines.grpcTimeout(bad)).as("'%s'", bad).isNull();
    }
  }

  @Test
  void theSmallestTrustedHeaderWinsAndIsRaisedToTheMinimum() {
    Map<String, String> headers = Map.of("x-paved-timeout-ms", "1", "grpc-timeout", "2S", "x-envoy-expected-rq-timeout-ms", "500");
    assertThat(Deadlines.fromHeaders(headers, MAP)).isEqualTo(Duration.ofMillis(1));
    assertThat(Deadlines.fromHeaders(headers, MAP, Deadlines.ALL_HEADERS, Duration.ofMillis(10))).isEqualTo(Duration.ofMillis(10));
    assertThat(Deadlines.fromHeaders(headers, MAP, List.of("grpc-timeout"), Duration.ZERO)).isEqualTo(Duration.ofSeconds(2));
    assertThat(Deadlines.fromHeaders(headers, MAP, List.of(), Duration.ZERO)).isNull();
  }

  @Test
  void fuzzedHeaderValuesNeverThrowAndStayWithinBounds() {
    SplittableRandom random = new SplittableRandom(20261201);
    String alphabet = "0123456789HMSmun -+.eE\t,;xX";
    List<String> values = new ArrayList<>();
    for (long boundary : new long[] {0, 1, Integer.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE / 1000, 86_400_000L, 86_400_001L}) {
      values.add(String.valueOf(boundary));
      values.add(boundary + "H");
      values.add(boundary + "n");
      values.add("-" + boundary);
    }
    for (int i = 0; i < 20_000; i++) {
      int length = random.nextInt(0, 30);
      StringBuilder sb = new StringBuilder();
      for (int j = 0; j < length; j++) {
        sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      values.add(sb.toString());
    }
    for (String v : values) {
      for (String header : Deadlines.ALL_HEADERS) {
        Duration d = Deadlines.fromHeaders(Map.of(header, v), MAP);
        if (d != null) {
          assertThat(d).as("%s: '%s'", header, v).isBetween(Duration.ZERO, Deadlines.MAX_TIMEOUT);
          assertThat(Deadlines.remaining(Deadlines.withTimeout(Context.root(), d))).isPresent();
        }
      }
    }
  }
}
