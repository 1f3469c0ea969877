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
