/** The HTTP API example service. */
@NullMarked
package dev.paved.examples.httpapi;

import org.jspecify.annotations.NullMarked;
