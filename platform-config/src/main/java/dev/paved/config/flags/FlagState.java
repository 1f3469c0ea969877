package dev.paved.config.flags;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.paved.core.HealthResult;
import dev.paved.core.Redaction;
import io.getunleash.UnleashException;
import io.getunleash.event.ClientFeaturesResponse;
import io.getunleash.event.UnleashSubscriber;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What is known of the flags' freshness, from the Unleash client's events: fetches, failures, and
 * the backup of every state fetched, written to a temporary file and renamed into place.
 */
final class FlagState implements UnleashSubscriber {
  private static final Logger LOG = LoggerFactory.getLogger(FlagState.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Clock clock;
  private final @Nullable Path backup;
  private final boolean readyRequiresFresh;
  private volatile String source;
  private volatile @Nullable Instant lastSuccess;
  private volatile @Nullable String lastProblem;
  private volatile @Nullable String backupProblem;
  private volatile boolean failing;

  FlagState(Clock clock, @Nullable Path backup, boolean readyRequiresFresh, String source) {
    this.clock = clock;
    this.backup = backup;
    this.readyRequiresFresh = readyRequiresFresh;
    this.source = source;
  }

  /** Whether {@code text} is a flags state in Unleash's client format. */
  static boolean valid(@Nullable String text) {
    if (text == null || text.isBlank()) {
      return false;
    }
    try {
      JsonNode n = JSON.readTree(text);
      return n != null && n.path("features").isArray();
    } catch (IOException e) {
      return false;
    }
  }

  /** The state to start from: the backup if it is valid, else the bootstrap if valid, else none. */
  Optional<String> initialState(@Nullable String bootstrap, String bootstrapName) {
    Path b = backup;
    if (b != null && Files.exists(b)) {
      try {
        String text = Files.readString(b, StandardCharsets.UTF_8);
        if (valid(text)) {
          source = "backup " + b;
          LOG.info("Flags start from the backup {} until Unleash answers", b);
          return Optional.of(text);
        }
        LOG.warn("The flags backup {} is corrupt or truncated; starting from {}", b, bootstrap == null ? "the defaults in code" : bootstrapName);
      } catch (IOException e) {
        LOG.warn("The flags backup {} cannot be read ({}); starting from {}", b, e.getClass().getSimpleName(), bootstrap == null ? "the defaults in code" : bootstrapName);
      }
    }
    if (bootstrap != null && valid(bootstrap)) {
      source = "bootstrap " + bootstrapName;
      return Optional.of(bootstrap);
    }
    if (bootstrap != null) {
      LOG.warn("The flags bootstrap {} is not valid Unleash JSON; starting from the defaults in code", bootstrapName);
    }
    source = "defaults in code";
    return Optional.empty();
  }

  @Override
  public void togglesFetched(ClientFeaturesResponse response) {
    switch (response.getStatus()) {
      case CHANGED -> {
        succeeded();
        response.getClientFeatures().ifPresent(this::writeBackup);
      }
      case NOT_CHANGED -> succeeded();
      default -> failed("Unleash answered " + response.getHttpStatusCode());
    }
  }

  private void succeeded() {
    lastSuccess = clock.instant();
    source = "unleash";
    if (failing) {
      LOG.info("Flags are fetched from Unleash again");
    }
    failing = false;
    lastProblem = null;
  }

  private void failed(String problem) {
    lastProblem = problem;
    if (!failing) {
      LOG.warn("Fetching flags from Unleash failed ({}); serving the last known flags and backing off", problem);
    }
    failing = true;
  }

  @Override
  public void onError(UnleashException error) {
    Throwable cause = error.getCause();
    String kind = cause != null ? cause.getClass().getSimpleName() : "error";
    failed(Redaction.mask(String.valueOf(error.getMessage())) + " (" + kind + ")");
  }

  private void writeBackup(String features) {
    Path b = backup;
    if (b == null) {
      return;
    }
    try {
      Path dir = b.toAbsolutePath().getParent();
      if (dir != null) {
        Files.createDirectories(dir);
      }
      Path tmp = Files.createTempFile(dir, b.getFileName().toString(), ".tmp");
      Files.writeString(tmp, features, StandardCharsets.UTF_8);
      Files.move(tmp, b, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      backupProblem = null;
    } catch (IOException | RuntimeException e) {
      if (backupProblem == null) {
        LOG.warn("The flags backup cannot be written to {} ({}); flags still work, a restart without Unleash will use the bootstrap", b, e.getClass().getSimpleName());
      }
      backupProblem = "cannot write " + b + " (" + e.getClass().getSimpleName() + ")";
    }
  }

  boolean fetched() {
    return lastSuccess != null;
  }

  HealthResult health() {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("source", source);
    Instant last = lastSuccess;
    details.put("lastFetch", last == null ? "never" : last.toString());
    String problem = lastProblem;
    String bp = backupProblem;
    if (bp != null) {
      details.put("backup", bp);
    }
    HealthResult r;
    if (readyRequiresFresh && last == null) {
      r = HealthResult.down("flags have not been fetched from Unleash yet" + (problem == null ? "" : ": " + problem));
    } else if (problem != null) {
      r = HealthResult.degraded("serving the last known flags: " + problem);
    } else if (bp != null) {
      r = HealthResult.degraded("the flags backup cannot be written");
    } else {
      r = HealthResult.up();
    }
    for (Map.Entry<String, Object> e : details.entrySet()) {
      r = r.withDetail(e.getKey(), e.getValue());
    }
    return r;
  }

  String source() {
    return source;
  }

  void problem(@Nullable String p) {
    lastProblem = p;
  }
}
