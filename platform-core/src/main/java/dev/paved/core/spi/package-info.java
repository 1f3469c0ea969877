/** The service-provider interface through which feature modules plug into the platform. */
@NullMarked
package dev.paved.core.spi;

import org.jspecify.annotations.NullMarked;
