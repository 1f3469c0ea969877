package dev.paved.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlatformConfigHashTest {
  private static final dev.paved.core.Redaction REDACTION = dev.paved.core.Redaction.create();

  @org.junit.jupiter.api.AfterAll
  static void closeRedaction() {
    REDACTION.close();
  }
  @Test
  void equalContentHasAnEqualHashWhateverTheOrderAndVersion() {
    Map<String, String> a = new LinkedHashMap<>();
    a.put("x.a", "1");
    a.put("x.b", "2");
    Map<String, String> b = new LinkedHashMap<>();
    b.put("x.b", "2");
    b.put("x.a", "1");
    PlatformConfig first = PlatformConfig.of(a);
    assertThat(first.hash()).hasSize(64).matches("[0-9a-f]+").isEqualTo(PlatformConfig.of(b).hash());
    assertThat(first.withVersion(7).hash()).isEqualTo(first.hash());
    assertThat(first.withVersion(7).version()).isEqualTo(7);
    assertThat(PlatformConfig.of(Map.of("x.a", "1", "x.b", "3")).hash()).isNotEqualTo(first.hash());
    assertThatThrownBy(() -> first.withVersion(0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void secretValuesAreLeftOutOfTheHash() {
    String one = PlatformConfig.of(Map.of("db.password", "first-secret", "db.url", "u")).hash();
    String two = PlatformConfig.of(Map.of("db.password", "second-secret", "db.url", "u")).hash();
    assertThat(one).isEqualTo(two);
    assertThat(PlatformConfig.of(Map.of("db.url", "u")).hash()).isNotEqualTo(one);
  }

  @Test
  void redactionMasksRegisteredValuesAndRefusesShortOnes() {
    String secret = "redaction-test-" + System.nanoTime();
    assertThat(Redaction.mask("a " + secret + " b")).contains(secret);
    REDACTION.register(secret);
    try {
      assertThat(Redaction.active()).isTrue();
      assertThat(Redaction.mask("a " + secret + " b")).isEqualTo("a ****** b");
    } finally {
      REDACTION.unregister(secret);
    }
    assertThat(Redaction.mask(secret)).isEqualTo(secret);
    assertThatThrownBy(() -> REDACTION.register("abc")).hasMessage("secret: 3 characters (expected: at least 4)");
  }
}
