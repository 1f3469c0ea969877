package com.example.corp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paved.core.Platform;
import dev.paved.test.PavedExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class CorpTest {
  @RegisterExtension final PavedExtension paved = PavedExtension.of(Platform::builder);

  @Test
  void itStarts(Platform platform) {
    assertThat(platform.descriptor().name()).isEqualTo("corp-service");
  }
}
