/**
 * Resilience policies per dependency. This first part holds the pieces Resilience4j does not
 * have: the retry budget, full-jitter backoff with {@code Retry-After}, and retry classification.
 */
@NullMarked
package dev.paved.resilience;

import org.jspecify.annotations.NullMarked;
