/**
 * Paved's test kit: what a service's tests use to start its platform with test defaults, to
 * drive time, and to read what it logged — and what Paved's own modules test themselves with.
 * Test scope only. See {@code docs/testing.md}.
 */
@NullMarked
package dev.paved.test;

import org.jspecify.annotations.NullMarked;
