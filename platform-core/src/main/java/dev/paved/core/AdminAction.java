package dev.paved.core;

/**
 * A mutating action of the admin port, served at {@code POST /actions/<name>} to callers of role
 * {@code operator} only ({@link AdminServer#addAction}). The admin server checks the role, the
 * method, the {@code X-Paved-Action} header, the body's size and syntax before the action runs,
 * and writes each outcome as an {@code event.kind=admin_action} log line (who, what, before and
 * after). An {@link IllegalArgumentException} is answered 400 with its message (name the
 * parameter and what was expected); anything else 500 without detail.
 */
@FunctionalInterface
public interface AdminAction {
  AdminActionResult perform(AdminActionRequest request) throws Exception;
}
