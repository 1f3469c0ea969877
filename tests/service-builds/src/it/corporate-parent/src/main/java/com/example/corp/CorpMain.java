package com.example.corp;

import dev.paved.core.Platform;

public final class CorpMain {
  private CorpMain() {}

  public static void main(String[] args) {
    Platform.run(Platform.builder(), platform -> {});
  }
}
