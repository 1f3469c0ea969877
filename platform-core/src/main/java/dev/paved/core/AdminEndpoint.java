package dev.paved.core;

/**
 * An endpoint of the admin server. It runs on the admin server's own bounded executor; an
 * exception becomes a 500 whose body names no detail of it.
 */
@FunctionalInterface
public interface AdminEndpoint {
  AdminResponse handle(AdminRequest request) throws Exception;
}
