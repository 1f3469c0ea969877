/** Build-time goals of the platform. */
@NullMarked
package dev.paved.maven;

import org.jspecify.annotations.NullMarked;
