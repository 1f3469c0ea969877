package dev.paved.core;

/**
 * One health check. It runs on the health executor under a time limit; an exception or a time-out
 * counts as {@link HealthStatus#DOWN}.
 */
@FunctionalInterface
public interface HealthCheck {
  HealthResult check() throws Exception;
}
