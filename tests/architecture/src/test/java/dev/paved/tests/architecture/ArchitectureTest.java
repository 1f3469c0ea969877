package dev.paved.tests.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dependency rule of docs/architecture.md: arrows point one way, toward platform-core; no
 * cycles; core depends on the JDK, the SLF4J API, snakeyaml-engine (its YAML parser) and JSpecify only. Each module that an issue adds
 * becomes a test dependency of this module, and the rules below already name its package.
 */
class ArchitectureTest {
  private static JavaClasses paved;

  @BeforeAll
  static void importClasses() {
    paved =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.paved");
  }

  @Test
  void importsPavedClasses() {
    // Guards the rules below against passing vacuously on an empty import.
    assertThat(paved.containPackage("dev.paved.core")).isTrue();
    assertThat(paved.size()).isGreaterThan(20);
  }

  @Test
  void modulesDependOnlyTowardCore() {
    ArchRule rule =
        layeredArchitecture()
            .consideringOnlyDependenciesInLayers()
            .withOptionalLayers(true)
            .layer("core").definedBy("dev.paved.core..")
            .layer("observability").definedBy("dev.paved.observability..")
            .layer("resilience").definedBy("dev.paved.resilience..")
            .layer("config").definedBy("dev.paved.config..")
            .layer("catalog").definedBy("dev.paved.catalog..")
            .layer("slo").definedBy("dev.paved.slo..")
            .layer("messaging").definedBy("dev.paved.messaging..")
            .layer("starter").definedBy("dev.paved.starter..")
            .layer("test").definedBy("dev.paved.test..")
            .layer("examples").definedBy("dev.paved.examples..")
            .whereLayer("starter").mayOnlyBeAccessedByLayers("examples")
            .whereLayer("test").mayNotBeAccessedByAnyLayer()
            .whereLayer("slo").mayOnlyBeAccessedByLayers("starter", "examples")
            .whereLayer("messaging").mayOnlyBeAccessedByLayers("starter", "examples")
            .whereLayer("catalog").mayOnlyBeAccessedByLayers("starter", "examples")
            .whereLayer("config").mayOnlyBeAccessedByLayers("starter", "examples")
            .whereLayer("resilience").mayOnlyBeAccessedByLayers("messaging", "starter", "examples")
            .whereLayer("observability").mayOnlyBeAccessedByLayers("resilience", "slo", "messaging", "starter", "test", "examples")
            .whereLayer("core").mayOnlyBeAccessedByLayers("observability", "resilience", "config", "catalog", "slo", "messaging", "starter", "test", "examples");
    rule.check(paved);
  }

  /**
   * A class a service can reach without an optional dependency — every class whose own name does
   * not say it needs one — never names, in a method or field signature, a type that is or extends
   * a type of that dependency: reflecting on it (Spring does, on every bean's class) would fail
   * with {@code NoClassDefFoundError} without the dependency. A Spring WebFlux service, which has
   * no Servlet API, met it on {@code Observability}.
   */
  @Test
  void signaturesNeverNameAnOptionalDependencysTypesOutsideTheirAdapters() {
    java.util.Map<String, String> optional = java.util.Map.of("jakarta.servlet", "Servlet", "org.apache.kafka", "Kafka");
    java.util.List<String> violations = new java.util.ArrayList<>();
    for (com.tngtech.archunit.core.domain.JavaClass owner : paved) {
      for (java.util.Map.Entry<String, String> dependency : optional.entrySet()) {
        if (owner.getName().contains(dependency.getValue())
            || owner.getPackageName().startsWith("dev.paved.spring")
            || (dependency.getKey().equals("org.apache.kafka") && owner.getPackageName().startsWith("dev.paved.messaging"))) {
          // The adapter itself (ServletFilter, KafkaMessaging), Spring's configuration (its own
          // conditions guard it), or platform-messaging: Kafka's runtime, idle without kafka-clients.
          continue;
        }
        java.util.List<com.tngtech.archunit.core.domain.JavaClass> types = new java.util.ArrayList<>();
        for (com.tngtech.archunit.core.domain.JavaMethod m : owner.getMethods()) {
          types.add(m.getRawReturnType());
          types.addAll(m.getRawParameterTypes());
        }
        for (com.tngtech.archunit.core.domain.JavaField f : owner.getFields()) {
          types.add(f.getRawType());
        }
        for (com.tngtech.archunit.core.domain.JavaClass type : types) {
          boolean names =
              type.getPackageName().startsWith(dependency.getKey())
                  || type.getAllRawSuperclasses().stream().anyMatch(c -> c.getPackageName().startsWith(dependency.getKey()))
                  || type.getAllRawInterfaces().stream().anyMatch(c -> c.getPackageName().startsWith(dependency.getKey()));
          if (names) {
            violations.add(owner.getName() + " names " + type.getName() + " (" + dependency.getKey() + ")");
          }
        }
      }
    }
    assertThat(violations).as("signatures that need an optional dependency").isEmpty();
  }

  @Test
  void modulesAreFreeOfCycles() {
    slices().matching("dev.paved.(*)..").should().beFreeOfCycles().check(paved);
  }

  @Test
  void coreDependsOnTheJdkSlf4jSnakeyamlEngineAndJSpecifyOnly() {
    classes()
        .that().resideInAPackage("dev.paved.core..")
        .should().onlyDependOnClassesThat()
        .resideInAnyPackage("java..", "javax.annotation..", "com.sun.net.httpserver..", "org.slf4j", "org.slf4j.spi", "org.jspecify..", "org.snakeyaml.engine..", "dev.paved.core..")
        .because("platform-core must work with nothing configured and pull in nothing heavy")
        .check(paved);
  }

  @Test
  void apiAndInternalClassesAreFinalOrAbstractions() {
    classes()
        .that().resideInAPackage("dev.paved..")
        .and().areNotInterfaces()
        .and().areNotEnums()
        .and().areNotAnonymousClasses()
        .and().areNotLocalClasses()
        .and().areNotAnnotations()
        .and().doNotHaveSimpleName("package-info")
        .should().haveModifier(JavaModifier.FINAL)
        .orShould().haveModifier(JavaModifier.ABSTRACT)
        .because("STYLE.md rule 1: everything is final unless designed for extension")
        .check(paved);
  }

  @Test
  void nothingOutsideAModuleUsesItsInternalPackageExceptOtherPavedModules() {
    classes()
        .that().resideInAPackage("dev.paved.examples..")
        .should().onlyDependOnClassesThat().resideOutsideOfPackage("dev.paved..internal..")
        .allowEmptyShould(true)
        .because("internal packages are not API; examples show what service developers may use")
        .check(paved);
  }
}
