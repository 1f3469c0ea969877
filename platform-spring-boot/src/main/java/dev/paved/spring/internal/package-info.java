/** Build-time tools of the Spring Boot integration. Internal: not for public use. */
@NullMarked
package dev.paved.spring.internal;

import org.jspecify.annotations.NullMarked;
