package dev.paved.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import org.junit.jupiter.api.Assertions;

import dev.paved.config.ConfigChange.Outcome;
import dev.paved.config.Sections.Paging;
import dev.paved.core.ConfigException;
import dev.paved.core.Platform;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random and mutated YAML fed to the loader and the reload pipeline: each input either applies or
 * is rejected with {@link ConfigException} problems — never another exception, never a hang.
 */
class ConfigFuzzTest {
  private static final String VALID =
      """
      platform:
        service:
          name: orders
          owner: team-a
        health:
          timeout: 2s
      paging:
        page-size: 10
        name: "a 'quoted' name"
      lists:
        hosts:
          - a.internal
          - 'b.internal'
        deps:
          - name: payments
            kind: http
      """;
  private static final String[] TOKENS = {
    "platform", "paging", "page-size", ":", ": ", "\n", "\n  ", "\n    ", "- ", "-", "\t", "'", "\"", "[", "]", "{", "}",
    "&anchor", "*anchor", "!!str", "#", "${", "${X:-", "}", "$${", "10", "-1", "99999999999999999999", "true", "null",
    "~", "|", ">", "---", "...", "é", "\u0000", "\uFEFF", "\r\n", ",", "?", "name", "service", " ", "  ", "%", "@", "`",
  };

  @TempDir Path dir;

  /** Hundreds of rejections are expected here; keep them off the build's console. */
  @org.junit.jupiter.api.BeforeEach
  void quiet() {
    logger().setLevel(ch.qos.logback.classic.Level.ERROR);
  }

  @org.junit.jupiter.api.AfterEach
  void loud() {
    logger().setLevel(null);
  }

  private static ch.qos.logback.classic.Logger logger() {
    return (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("dev.paved");
  }

  private static String randomYaml(Random r) {
    StringBuilder sb = new StringBuilder();
    int n = r.nextInt(60);
    for (int i = 0; i < n; i++) {
      sb.append(TOKENS[r.nextInt(TOKENS.length)]);
    }
    return sb.toString();
  }

  private static String mutated(Random r) {
    StringBuilder sb = new StringBuilder(VALID);
    int edits = 1 + r.nextInt(4);
    for (int i = 0; i < edits && sb.length() > 0; i++) {
      int at = r.nextInt(sb.length());
      switch (r.nextInt(5)) {
        case 0 -> sb.deleteCharAt(at);
        case 1 -> sb.insert(at, TOKENS[r.nextInt(TOKENS.length)]);
        case 2 -> sb.setCharAt(at, (char) (32 + r.nextInt(95)));
        case 3 -> sb.setLength(at); // truncated mid-write
        default -> sb.insert(at, sb.substring(at, Math.min(sb.length(), at + r.nextInt(30))));
      }
    }
    return sb.toString();
  }

  @Test
  void theReloadPipelineOnlyEverAppliesOrRejects() throws Exception {
    ConfigFixture f = new ConfigFixture(dir);
    f.write(VALID);
    long seed = System.nanoTime();
    Random r = new Random(seed);
    int applied = 0;
    int rejected = 0;
    try (Platform platform = f.builder().property("platform.config.reload.enabled", "false").module(new ConfigModule()).start()) {
      Configuration config = Configuration.of(platform);
      Bound<Paging> paging = config.bind("paging", Paging.class);
      for (int i = 0; i < 600; i++) {
        String yaml = i % 2 == 0 ? randomYaml(r) : mutated(r);
        f.write(yaml);
        ConfigChange change;
        try {
          change = Assertions.<ConfigChange>assertTimeoutPreemptively(Duration.ofSeconds(5), () -> config.reload(), () -> "seed " + seed + " input:\n" + yaml);
        } catch (RuntimeException e) {
          throw new AssertionError("seed " + seed + ": reload threw for input:\n" + yaml, e);
        }
        if (change.outcome() == Outcome.REJECTED) {
          rejected++;
          assertThat(change.problems()).as("seed %d input:%n%s", seed, yaml).isNotEmpty();
        } else {
          applied++;
        }
        // Whatever happened, a valid section is in effect.
        assertThat(paging.get().pageSize()).isBetween(1, 500);
      }
      f.write(VALID.replace("page-size: 10", "page-size: 12"));
      assertThat(config.reload().outcome()).isIn(Outcome.APPLIED);
      assertThat(paging.get().pageSize()).isEqualTo(12);
    }
    assertThat(rejected).as("seed %d", seed).isGreaterThan(100);
    assertThat(applied).as("seed %d", seed).isGreaterThan(0);
  }

  @Test
  void startUpOnlyEverStartsOrThrowsConfigException() throws Exception {
    ConfigFixture f = new ConfigFixture(dir);
    long seed = System.nanoTime();
    Random r = new Random(seed);
    for (int i = 0; i < 150; i++) {
      String yaml = i % 2 == 0 ? randomYaml(r) : mutated(r);
      f.write(yaml);
      assertTimeoutPreemptively(
          Duration.ofSeconds(5),
          () -> {
            try (Platform p =
                f.builder()
                    .property("platform.config.reload.enabled", "false")
                    .module(ConfigModule.builder().bind("paging", Paging.class).build())
                    .start()) {
              assertThat(p.config().version()).isEqualTo(1);
            } catch (ConfigException e) {
              assertThat(e.problems()).isNotEmpty();
            } catch (RuntimeException e) {
              fail("seed " + seed + ": start threw " + e + " for input:\n" + yaml, e);
            }
          });
    }
  }
}
