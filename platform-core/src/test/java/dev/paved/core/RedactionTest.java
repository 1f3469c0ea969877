package dev.paved.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RedactionTest {
  private final List<String> registered = new ArrayList<>();

  private String register(String value) {
    Redaction.register(value);
    registered.add(value);
    return value;
  }

  @AfterEach
  void unregister() {
    registered.forEach(Redaction::unregister);
  }

  @Test
  void registeredValuesAreMaskedAndShortOnesRefusedWithoutShowingThem() {
    register("s3cr3t-value-1");
    assertThat(Redaction.mask("token=s3cr3t-value-1;")).isEqualTo("token=******;");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Redaction.register("abc"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("abc");
  }

  @Test
  void aRetiredValueStaysMaskedForItsGraceThenLeaves() {
    register("rotated-out-value-1");
    Redaction.retire("rotated-out-value-1", 10);
    assertThat(Redaction.mask("rotated-out-value-1")).isEqualTo(Redaction.MASK);
    // A grace of zero is over at once: the next purge removes it.
    register("rotated-out-value-2");
    Redaction.retire("rotated-out-value-2", 0);
    Redaction.purgeExpired();
    assertThat(Redaction.mask("rotated-out-value-2")).isEqualTo("rotated-out-value-2");
    assertThat(Redaction.mask("rotated-out-value-1")).isEqualTo(Redaction.MASK);
  }

  @Test
  void theRegistryIsBoundedAndCountsWhatItRefuses() {
    int room = Redaction.MAX_VALUES - Redaction.size();
    for (int i = 0; i < room; i++) {
      register("bounded-value-" + i);
    }
    assertThat(Redaction.size()).isEqualTo(Redaction.MAX_VALUES);
    long before = Redaction.overflowed();
    Redaction.register("one-too-many-value");
    assertThat(Redaction.overflowed()).isEqualTo(before + 1);
    assertThat(Redaction.size()).isEqualTo(Redaction.MAX_VALUES);
    assertThat(Redaction.mask("one-too-many-value")).isEqualTo("one-too-many-value");
  }

  @Test
  void aThousandValuesAreMaskedByOneScanExactlyAsOneReplaceEachWould() {
    java.util.SplittableRandom random = new java.util.SplittableRandom(42);
    String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
    List<String> secrets = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      StringBuilder sb = new StringBuilder("k");
      for (int j = 0; j < 15; j++) {
        sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      secrets.add(register(sb.toString()));
    }
    assertThat(Redaction.size()).isGreaterThan(Redaction.SCAN_ABOVE);
    for (int t = 0; t < 2_000; t++) {
      StringBuilder text = new StringBuilder();
      int parts = random.nextInt(0, 6);
      for (int p = 0; p < parts; p++) {
        if (random.nextBoolean()) {
          text.append(secrets.get(random.nextInt(secrets.size())));
        } else {
          text.append("noise k").append(random.nextInt(1000)).append(' ');
        }
      }
      String expected = text.toString();
      for (String secret : secrets) {
        expected = expected.replace(secret, Redaction.MASK);
      }
      assertThat(Redaction.mask(text.toString())).isEqualTo(expected);
    }
    assertThat(Redaction.mask("no secret here")).isSameAs("no secret here").isEqualTo("no secret here");
  }
}
