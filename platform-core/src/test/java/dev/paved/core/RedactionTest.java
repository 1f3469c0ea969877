package dev.paved.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RedactionTest {
  private final Redaction redaction = Redaction.create();
  private final List<String> registered = new ArrayList<>();

  private String register(String value) {
    redaction.register(value);
    registered.add(value);
    return value;
  }

  @AfterEach
  void unregister() {
    registered.forEach(redaction::unregister);
    redaction.close();
  }

  @Test
  void registeredValuesAreMaskedAndShortOnesRefusedWithoutShowingThem() {
    register("s3cr3t-value-1");
    assertThat(Redaction.mask("token=s3cr3t-value-1;")).isEqualTo("token=******;");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> redaction.register("abc"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("abc");
  }

  @Test
  void aRetiredValueStaysMaskedForItsGraceThenLeaves() {
    register("rotated-out-value-1");
    redaction.retire("rotated-out-value-1");
    assertThat(Redaction.mask("rotated-out-value-1")).isEqualTo(Redaction.MASK);
    // A grace of zero is over at once: the next purge removes it.
    register("rotated-out-value-2");
    redaction.retire("rotated-out-value-2", java.time.Duration.ZERO);
    Redaction.purgeExpired();
    assertThat(Redaction.mask("rotated-out-value-2")).isEqualTo("rotated-out-value-2");
    assertThat(Redaction.mask("rotated-out-value-1")).isEqualTo(Redaction.MASK);
  }

  @Test
  void theRegistryIsBoundedAndCountsWhatItRefuses() {
    for (int i = 0; i < Redaction.MAX_VALUES; i++) {
      register("bounded-value-" + i);
    }
    assertThat(redaction.size()).isEqualTo(Redaction.MAX_VALUES);
    redaction.register("one-too-many-value");
    assertThat(redaction.overflowed()).isEqualTo(1);
    assertThat(redaction.size()).isEqualTo(Redaction.MAX_VALUES);
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
    assertThat(Redaction.maskedValues()).isGreaterThan(Redaction.SCAN_ABOVE);
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

  @Test
  void aValueHeldTwiceStaysMaskedUntilBothHoldsAreGivenUp() {
    register("held-twice-value");
    redaction.register("held-twice-value");
    redaction.retire("held-twice-value", java.time.Duration.ZERO);
    Redaction.purgeExpired();
    assertThat(Redaction.mask("held-twice-value")).isEqualTo(Redaction.MASK);
    redaction.retire("held-twice-value", java.time.Duration.ZERO);
    Redaction.purgeExpired();
    assertThat(Redaction.mask("held-twice-value")).isEqualTo("held-twice-value");
  }

  @Test
  void twoPlatformsInOneJvmOwnTheirValuesAndTheLogMasksBoth() {
    try (Platform a = isolated("service-a");
        Platform b = isolated("service-b")) {
      assertThat(a.redaction()).isNotSameAs(b.redaction());
      a.redaction().register("shared-secret-value");
      b.redaction().register("shared-secret-value");
      b.redaction().register("only-b-secret-value");
      assertThat(Redaction.mask("only-b-secret-value")).isEqualTo(Redaction.MASK);
      // A rotates the shared value out: B still holds it, so it stays masked.
      a.redaction().retire("shared-secret-value", java.time.Duration.ZERO);
      Redaction.purgeExpired();
      assertThat(a.redaction().size()).isZero();
      assertThat(Redaction.mask("shared-secret-value")).isEqualTo(Redaction.MASK);
      b.redaction().unregister("shared-secret-value");
      b.redaction().unregister("only-b-secret-value");
      assertThat(Redaction.mask("shared-secret-value")).isEqualTo("shared-secret-value");
    }
  }

  @Test
  void closingAPlatformRetiresItsValuesAfterTheGrace() {
    Platform p = isolated("service-c");
    p.redaction().register("closed-platform-value");
    p.close();
    // Lines in flight may still carry it: masked through the grace.
    assertThat(Redaction.mask("closed-platform-value")).isEqualTo(Redaction.MASK);
    assertThat(p.redaction().size()).isEqualTo(1);
    // A module of the stopped platform registering late does not reopen its registry.
    p.redaction().register("late-registered-value");
    assertThat(Redaction.mask("late-registered-value")).isEqualTo(Redaction.MASK);
  }

  @Test
  void afterTheGraceAClosedRegistrysValuesAndTheRegistryLeave() {
    Redaction r = Redaction.create();
    r.register("closed-registry-value");
    int before = Redaction.registries();
    r.close(java.time.Duration.ZERO);
    Redaction.purgeExpired();
    assertThat(Redaction.mask("closed-registry-value")).isEqualTo("closed-registry-value");
    assertThat(r.size()).isZero();
    assertThat(Redaction.registries()).isEqualTo(before - 1);
  }

  private static Platform isolated(String name) {
    return Platform.builder().serviceName(name).adminPort(0).shutdownHook(false).drain(java.time.Duration.ZERO).discoverModules(false).start();
  }
}
