/** Not API: public only because Logback and OpenTelemetry instantiate these classes. May change in any release. */
@NullMarked
package dev.paved.observability.internal;

import org.jspecify.annotations.NullMarked;
