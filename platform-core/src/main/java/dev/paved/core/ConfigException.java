package dev.paved.core;

import java.util.List;

/**
 * Start-up or a typed read failed because of configuration. Lists every problem found, each with
 * its key, its source and the fix; never a value whose key looks secret.
 */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  @SuppressWarnings("serial") // an immutable list of records
  private final List<ConfigProblem> problems;

  public ConfigException(List<ConfigProblem> problems) {
    super(format(problems));
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("problems: [] (expected: at least one)");
    }
    this.problems = List.copyOf(problems);
  }

  /** Every problem, in the order found. */
  public List<ConfigProblem> problems() {
    return problems;
  }

  private static String format(List<ConfigProblem> problems) {
    StringBuilder sb = new StringBuilder();
    sb.append("Invalid Paved configuration: ")
        .append(problems.size())
        .append(problems.size() == 1 ? " problem" : " problems");
    int i = 1;
    for (ConfigProblem p : problems) {
      sb.append(System.lineSeparator()).append("  ").append(i++).append(". ").append(p);
    }
    return sb.toString();
  }
}
