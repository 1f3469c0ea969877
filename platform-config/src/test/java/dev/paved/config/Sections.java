package dev.paved.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Sections the tests bind. */
final class Sections {
  private Sections() {}

  enum Mode {
    FAST,
    SAFE
  }

  record Endpoint(@NotNull URI url, @Min(1) int retries) {}

  record Checkout(
      @NotBlank String currency,
      @Min(1) @Max(100) int maxItems,
      @NotNull Duration timeout,
      @Valid @NotNull Endpoint payments,
      List<@Pattern(regexp = "[a-z]+") String> regions,
      Map<String, @Min(0) Integer> limits,
      @Nullable DataSize maxBody,
      @NotNull Mode mode,
      @NotBlank String apiKey) {}

  record Pair(String a, String b) {}

  record Paging(@Min(1) @Max(500) int pageSize, @NotBlank String name) {}
}
