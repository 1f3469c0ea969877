package dev.paved.spring;

import dev.paved.observability.Observability;
import dev.paved.observability.Routes;
import dev.paved.observability.ServletFilter;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import java.io.IOException;
import java.util.List;

/**
 * Paved's {@link ServletFilter} on the servlet container of a Spring MVC application: the SERVER
 * span, {@code http.server.request.duration} and the other RED metrics, log correlation and the
 * in-flight count, with the routes of the controllers' mappings (set once every singleton exists,
 * before the web server starts).
 */
public final class PavedServerFilter implements Filter {
  private final Observability observability;
  private volatile ServletFilter delegate;
  private volatile List<String> templates = List.of();

  PavedServerFilter(Observability observability) {
    this.observability = observability;
    this.delegate = ServletFilter.create(observability, Routes.of());
  }

  /** Uses these route templates from now on. */
  void routes(List<String> templates) {
    this.templates = List.copyOf(templates);
    this.delegate = ServletFilter.create(observability, Routes.of(templates.toArray(new String[0])));
  }

  /** The route templates in use, in the order they are tried. */
  public List<String> templates() {
    return templates;
  }

  @Override
  public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain) throws IOException, ServletException {
    delegate.doFilter(request, response, chain);
  }
}
