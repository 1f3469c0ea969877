package dev.paved.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.paved.spring.internal.ConfigurationMetadataWriter;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The jar carries Spring Boot's configuration metadata for every Paved key, as built now. */
class ConfigurationMetadataTest {
  @Test
  void theJarsMetadataListsEveryKeyWithItsTypeAndDefault() throws Exception {
    JsonNode doc;
    try (InputStream in = getClass().getClassLoader().getResourceAsStream("META-INF/spring-configuration-metadata.json")) {
      assertThat(in).as("written by the build (process-classes)").isNotNull();
      doc = new ObjectMapper().readTree(in);
    }
    List<String> names = new ArrayList<>();
    doc.get("properties").forEach(p -> names.add(p.get("name").asText()));
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> expected = (List<Map<String, Object>>) java.util.Objects.requireNonNull(ConfigurationMetadataWriter.metadata().get("properties"));
    assertThat(names).containsExactlyElementsOf(expected.stream().map(p -> (String) p.get("name")).toList());
    assertThat(names).contains("platform.admin.port", "platform.observability.traces.sampler-ratio", "platform.secrets.required", "platform.flags.file");
    JsonNode port = null;
    for (JsonNode p : doc.get("properties")) {
      if (p.get("name").asText().equals("platform.admin.port")) {
        port = p;
      }
    }
    if (port == null) {
      throw new AssertionError("platform.admin.port is not in the metadata");
    }
    assertThat(port.get("type").asText()).isEqualTo("java.lang.Integer");
    assertThat(port.get("defaultValue").asText()).isEqualTo("8081");
  }
}
