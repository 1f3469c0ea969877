/** Benchmarks that reach package-private parts of the SLO module. */
@NullMarked
package dev.paved.slo;

import org.jspecify.annotations.NullMarked;
