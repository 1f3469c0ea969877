package com.example;

import dev.paved.core.Platform;

public final class Main {
  public static void main(String[] args) {
    Platform.run(Platform.builder(), platform -> {
      throw new IllegalStateException("the orders database is not reachable");
    });
  }
}
