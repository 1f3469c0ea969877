/** The event consumer example service. */
@NullMarked
package dev.paved.examples.eventconsumer;

import org.jspecify.annotations.NullMarked;
