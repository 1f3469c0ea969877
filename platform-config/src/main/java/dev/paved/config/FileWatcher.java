package dev.paved.config;

import dev.paved.core.internal.DaemonThreadFactory;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices changes to the configuration files and asks for a reload. File-system events wake it
 * early (a Kubernetes ConfigMap volume swaps its {@code ..data} symlink, which shows as events in
 * the mounted directory); polling at a fixed interval catches what events miss. A change counts
 * only once the files' content has stayed the same for the settle time, so a file caught in the
 * middle of a write is not read, and a burst of writes becomes one reload.
 */
final class FileWatcher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FileWatcher.class);
  private static final int MAX_SETTLE_ROUNDS = 20;

  private final List<Path> files;
  private final Duration pollInterval;
  private final Duration settle;
  private final boolean pollSources;
  private final Consumer<String> reload;
  private final LinkedBlockingQueue<String> wakeups = new LinkedBlockingQueue<>();
  private final Thread reloader;
  private @Nullable Thread watcherThread;
  private @Nullable WatchService watchService;
  private volatile boolean closed;

  FileWatcher(
      List<Path> files, Duration pollInterval, Duration settle, boolean useEvents, boolean pollSources, Consumer<String> reload) {
    this.files = List.copyOf(files);
    this.pollInterval = pollInterval;
    this.settle = settle;
    this.pollSources = pollSources;
    this.reload = reload;
    ThreadFactory threads = new DaemonThreadFactory("paved-config");
    this.reloader = threads.newThread(this::run);
    if (useEvents && !files.isEmpty()) {
      startEvents(threads);
    }
    reloader.start();
  }

  /** Asks for a reload soon, for example from a source that pushes changes. */
  void wake(String trigger) {
    wakeups.offer(trigger);
  }

  private void startEvents(ThreadFactory threads) {
    Set<Path> dirs = new LinkedHashSet<>();
    for (Path f : files) {
      Path dir = f.toAbsolutePath().getParent();
      if (dir != null && Files.isDirectory(dir)) {
        dirs.add(dir);
      }
    }
    if (dirs.isEmpty()) {
      return;
    }
    try {
      WatchService ws = FileSystems.getDefault().newWatchService();
      for (Path dir : dirs) {
        dir.register(
            ws, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_DELETE);
      }
      watchService = ws;
      Thread t =
          threads.newThread(
              () -> {
                try {
                  while (!closed) {
                    WatchKey key = ws.take();
                    key.pollEvents();
                    key.reset();
                    wakeups.offer("file");
                  }
                } catch (InterruptedException | ClosedWatchServiceException e) {
                  // closing
                }
              });
      watcherThread = t;
      t.start();
    } catch (IOException | RuntimeException e) {
      LOG.warn("Configuration files cannot be watched for events ({}); polling every {}", e.getClass().getName(), pollInterval);
    }
  }

  private void run() {
    // Unknown at first: the files may have changed between the platform reading them and now, so
    // the first round re-reads them (a reload that finds nothing new changes nothing).
    String last = "";
    while (!closed) {
      try {
        String woken = wakeups.poll(pollInterval.toNanos(), TimeUnit.NANOSECONDS);
        wakeups.clear();
        String now = fingerprint();
        if (!now.equals(last)) {
          for (int round = 0; round < MAX_SETTLE_ROUNDS && !closed; round++) {
            Thread.sleep(Math.max(1, settle.toMillis()));
            String again = fingerprint();
            if (again.equals(now)) {
              break;
            }
            now = again;
          }
          wakeups.clear();
          last = now;
          reload.accept(woken != null && !woken.equals("file") ? woken : "file");
        } else if (woken != null && !woken.equals("file")) {
          reload.accept(woken);
        } else if (woken == null && pollSources) {
          reload.accept("poll");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        // The reload pipeline reports its own failures; this keeps the watcher alive whatever happens.
        LOG.error("Configuration reload failed unexpectedly: {}", e.getClass().getName());
      }
    }
  }

  /** The content of every file, or that it is absent or unreadable. */
  String fingerprint() {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    for (Path f : files) {
      digest.update(f.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
      try {
        digest.update((byte) 1);
        digest.update(Files.readAllBytes(f));
      } catch (NoSuchFileException e) {
        digest.update((byte) 2);
      } catch (IOException | RuntimeException e) {
        digest.update((byte) 3);
        digest.update(e.getClass().getName().getBytes(java.nio.charset.StandardCharsets.UTF_8));
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  @Override
  public void close() {
    closed = true;
    WatchService ws = watchService;
    if (ws != null) {
      try {
        ws.close();
      } catch (IOException e) {
        LOG.debug("closing the watch service", e);
      }
    }
    reloader.interrupt();
    Thread t = watcherThread;
    if (t != null) {
      t.interrupt();
    }
    try {
      reloader.join(2_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
