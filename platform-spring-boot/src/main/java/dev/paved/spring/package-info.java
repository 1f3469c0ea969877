/**
 * Spring Boot auto-configuration of Paved: one {@link dev.paved.core.Platform} inside the
 * application context, its OpenTelemetry SDK and Micrometer registry as the beans Spring uses,
 * Paved's server instrumentation on the servlet container, Paved's policies on {@code RestClient},
 * Paved's health in Actuator's and Spring's in Paved's, and Paved's JSON logs. See
 * {@code docs/spring-boot.md}.
 */
@NullMarked
package dev.paved.spring;

import org.jspecify.annotations.NullMarked;
