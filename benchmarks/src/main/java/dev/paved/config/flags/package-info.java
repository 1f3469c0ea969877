/** Benchmarks that reach package-private parts of the flags module. */
@NullMarked
package dev.paved.config.flags;

import org.jspecify.annotations.NullMarked;
