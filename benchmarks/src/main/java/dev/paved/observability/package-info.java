/** Benchmarks that reach package-private parts of platform-observability. */
@NullMarked
package dev.paved.observability;

import org.jspecify.annotations.NullMarked;
