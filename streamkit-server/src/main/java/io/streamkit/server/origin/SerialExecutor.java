package io.streamkit.server.origin;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;

/**
 * Runs its tasks one at a time, in the order submitted, on a shared executor (the {@code SerialExecutor} of
 * {@link Executor}'s Javadoc): the steps of one API exchange keep their order without a thread of their own, and
 * exchanges take turns on the shared threads task by task, so a long upload does not hold a thread between chunks.
 */
final class SerialExecutor implements Executor {

  private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
  private final Executor executor;
  private Runnable active;

  SerialExecutor(Executor executor) {
    this.executor = executor;
  }

  @Override
  public synchronized void execute(Runnable task) {
    tasks.add(() -> {
      try {
        task.run();
      } finally {
        scheduleNext();
      }
    });
    if (active == null) {
      scheduleNext();
    }
  }

  private synchronized void scheduleNext() {
    active = tasks.poll();
    if (active != null) {
      executor.execute(active);
    }
  }
}
