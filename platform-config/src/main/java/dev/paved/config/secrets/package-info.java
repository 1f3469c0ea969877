/**
 * Secrets, kept apart from configuration: read from Vault (or a development source), cached,
 * renewed and rotated in the background, and masked in every log line.
 */
@NullMarked
package dev.paved.config.secrets;

import org.jspecify.annotations.NullMarked;
