package dev.paved.spring;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.stereotype.Controller;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;
import org.springframework.web.bind.annotation.RequestMapping;

/**
 * The route templates of the application's controllers, read from their {@code @RequestMapping}
 * (and {@code @GetMapping} ...) annotations once every bean is defined and before any is made —
 * before the platform starts — and given to Paved as {@code platform.observability.http.routes}
 * (property source {@value #NAME}), unless the service declares that key itself. So an SLO can name
 * a controller's route ({@code platform.slo.objectives.*.route}) and is checked at start-up
 * against the routes the service really has. The servlet filter then takes Spring MVC's own
 * mappings, which hold the same templates.
 */
final class ControllerRoutes implements BeanFactoryPostProcessor, EnvironmentAware {
  static final String NAME = "paved-routes";
  static final String KEY = "platform.observability.http.routes";
  /** Spring's own rule for joining a class-level and a method-level mapping. */
  private static final org.springframework.util.AntPathMatcher PATHS = new org.springframework.util.AntPathMatcher();

  private @Nullable ConfigurableEnvironment environment;

  @Override
  public void setEnvironment(Environment environment) {
    if (environment instanceof ConfigurableEnvironment e) {
      this.environment = e;
    }
  }

  @Override
  public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
    ConfigurableEnvironment env = environment;
    if (env == null || env.containsProperty(KEY) || env.containsProperty(KEY + "[0]")) {
      return;
    }
    List<String> templates = dev.paved.observability.Routes.fromPatterns(scan(beanFactory));
    if (!templates.isEmpty() && !env.getPropertySources().contains(NAME)) {
      env.getPropertySources().addLast(new MapPropertySource(NAME, Map.of(KEY, String.join(",", templates))));
    }
  }

  static List<String> scan(ConfigurableListableBeanFactory beanFactory) {
    List<String> patterns = new ArrayList<>();
    ClassLoader loader = beanFactory.getBeanClassLoader();
    for (String name : beanFactory.getBeanDefinitionNames()) {
      BeanDefinition definition = beanFactory.getBeanDefinition(name);
      String className = definition.getBeanClassName();
      if (className == null) {
        continue;
      }
      Class<?> type;
      try {
        type = ClassUtils.forName(className, loader);
      } catch (ClassNotFoundException | LinkageError e) {
        continue;
      }
      if (!AnnotatedElementUtils.hasAnnotation(type, Controller.class)) {
        continue;
      }
      RequestMapping root = AnnotatedElementUtils.findMergedAnnotation(type, RequestMapping.class);
      String[] prefixes = root == null || root.path().length == 0 ? new String[] {""} : root.path();
      for (Method m : ReflectionUtils.getUniqueDeclaredMethods(ClassUtils.getUserClass(type))) {
        RequestMapping mapping = AnnotatedElementUtils.findMergedAnnotation(m, RequestMapping.class);
        if (mapping == null) {
          continue;
        }
        String[] paths = mapping.path().length == 0 ? new String[] {""} : mapping.path();
        for (String prefix : prefixes) {
          for (String path : paths) {
            String joined = PATHS.combine(prefix, path);
            patterns.add(joined.isEmpty() ? "/" : joined);
          }
        }
      }
    }
    return patterns;
  }
}
