/** JMH benchmarks. Run: see docs/benchmarks.md. */
@NullMarked
package dev.paved.benchmarks;

import org.jspecify.annotations.NullMarked;
