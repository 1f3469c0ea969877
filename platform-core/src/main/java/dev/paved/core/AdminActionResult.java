package dev.paved.core;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * What an {@link AdminAction} did, for its answer and its audit line.
 *
 * @param target what it acted on (a logger, a dependency's breaker, a flag)
 * @param before the state before, as text, or null
 * @param after the state after, as text, or null
 * @param expiresAt when it ends by itself ({@link AdminServer#temporary}), or null for an action
 *     that is done at once (a configuration reload)
 */
public record AdminActionResult(String target, @Nullable String before, @Nullable String after, @Nullable Instant expiresAt) {}
