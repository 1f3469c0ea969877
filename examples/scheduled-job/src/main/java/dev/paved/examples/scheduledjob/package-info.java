/** The scheduled job example. */
@NullMarked
package dev.paved.examples.scheduledjob;

import org.jspecify.annotations.NullMarked;
