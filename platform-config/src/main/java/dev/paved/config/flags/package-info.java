/**
 * Feature flags with OpenFeature's API, backed by Unleash (or a local file): never in the way when
 * Unleash is down, recorded on the current span and in metrics.
 */
@NullMarked
package dev.paved.config.flags;

import org.jspecify.annotations.NullMarked;
