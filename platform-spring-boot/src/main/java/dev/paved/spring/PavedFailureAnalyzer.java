package dev.paved.spring;

import dev.paved.config.secrets.SecretException;
import dev.paved.core.ConfigException;
import dev.paved.core.PlatformStartException;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;

/**
 * A start-up refused by Paved (invalid configuration, a required secret that cannot be read, a
 * module that cannot start) reported as Spring Boot reports its own failures: Paved's message —
 * every problem, each with its fix — instead of a chain of bean-creation exceptions.
 */
public final class PavedFailureAnalyzer implements FailureAnalyzer {
  @Override
  public @Nullable FailureAnalysis analyze(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof ConfigException || t instanceof PlatformStartException) {
        return new FailureAnalysis(
            "Paved refused to start the service: " + t.getMessage(),
            "Fix what is named above (in application.yaml, platform.yaml or the environment), then start again.",
            t);
      }
      if (t instanceof SecretException) {
        return new FailureAnalysis(
            "Paved could not read a secret the service needs: " + t.getMessage(),
            "Provide the secret as the message says (docs/secrets.md), or fix the reference.",
            t);
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return null;
  }
}
