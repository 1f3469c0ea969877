/** Benchmarks that reach package-private parts of platform-resilience. */
@NullMarked
package dev.paved.resilience;

import org.jspecify.annotations.NullMarked;
