package dev.paved.catalog;

import java.util.List;

/** The entities cannot be generated: every problem, each naming the field and the fix. */
public final class CatalogException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final List<String> problems;

  public CatalogException(List<String> problems) {
    super("Cannot generate the catalog entities: " + problems.size() + (problems.size() == 1 ? " problem" : " problems")
        + String.join("", problems.stream().map(p -> "\n  - " + p).toList()));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
