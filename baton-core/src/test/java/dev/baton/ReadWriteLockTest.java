package dev.baton;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link ReadWriteLock}. asyncio has none, so these are Baton's own cases: sharing and exclusion,
 * FIFO fairness without writer starvation, batched admission of readers, withdrawal of a waiting
 * writer, ownership, the three faces, cancel safety, bad input, threads. Step-numbered where the
 * order is the point. Loop tests run on virtual time.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ReadWriteLockTest {
  private final List<String> trace = Collections.synchronizedList(new ArrayList<>());

  private static void loop(Body body) throws Exception {
    EventLoop.withVirtualTime().run(body);
  }

  private Task<Void> reader(ReadWriteLock rw, String name) {
    return Baton.spawn(
        () -> {
          rw.acquireRead();
          trace.add(name);
        });
  }

  private Task<Void> writer(ReadWriteLock rw, String name) {
    return Baton.spawn(
        () -> {
          rw.acquireWrite();
          trace.add(name);
        });
  }

  // ---------------------------------------------------------------- sharing and exclusion

  @Test
  void readers_shareTheLock() throws Exception {
    loop(
        () -> {
          ReadWriteLock rw = new ReadWriteLock();
          rw.acquireRead();
          assertTrue(rw.tryAcquireRead());
          reader(rw, "r3").join();
          assertEquals(3, rw.readHolds());
          assertFalse(rw.isWriteLocked());
          assertFalse(rw.tryAcquireWrite());
        });
  }

  @Test
  void writer_waitsForEveryReader_andTheLastReleaseHandsItOver() throws Exception {
    loop(
        () -> {
          ReadWriteLock rw = new ReadWriteLock();
          rw.acquireRead();
          rw.acquireRead();
          Task<Void> w = writer(rw, "w");
          Baton.yieldNow();
          assertEquals(1, rw.statistics().waitingWriters());
          rw.releaseRead();
          assertFalse(rw.isWriteLocked());
          rw.releaseRead();
          assertTrue(rw.isWriteLocked(), "handed over before releaseRead returned");
          assertTrue(rw.statistics().writer() != null);
          w.join();
          assertEquals(List.of("w"), trace);
        });
  }

  @Test
  void readers_waitForTheWriter() throws Exception {
    loop(
        () -> {
          ReadWriteLock rw = new ReadWriteLock();
          rw.acquireWrite();
          Task<Boolean> tryRead = QueueContract.task(rw::tryAcquireRead);
          assertFalse(tryRead.get());
          Task<Void> r = reader(rw, "r");
          Baton.yieldNow();
          assertEquals(List.of(), trace);
          rw.releaseWrite();
          assertEquals(1, rw.readHolds(), "granted before releaseWrite returned");
          r.join();
          assertEquals(List.of("r"), trace);
        });
  }

  // ---------------------------------------------------------------- fairness

  @Test
  void waitingWriter_blocksLaterReaders_evenWhileReadHeld() throws Exception {
    loop(
        () -> {
          ReadWriteLock rw = new ReadWriteLock();
          rw.acquireRead(); // 1: read-held
          Task<Void> w = writer(rw, "w"); // 2: writer waits for the reader
          Task<Void> r = reader(rw, "r"); // 3: a later reader waits behind the writer
          Baton.yieldNow();
          assertEquals(1, rw.readHolds());
          assertFalse(rw.tryAcquireRead(), "no barging past the waiting writer");
          assertEquals(1, rw.statistics().waitingReaders());
          rw.releaseRead(); // 4: the writer goes in
          w.join();
          assertEquals(List.of("w"), trace);
          assertFalse(r.isDone(), "the reader waits for the writer, which still holds the lock");
          r.cancel();
        });
  }

  @Test
  void writerRelease_admitsTheRunOfReadersAtTheHead_togetherAndNoFurther() throws Exception {
    loop(
        () -> {
          ReadWriteLock rw = new ReadWriteLock();
          CompletableFuture<Held> w1 = rw.acquireWriteAsync();
          Task<Void> r1 = reader(rw, "r1");
          Task<Void> r2 = reader(rw, "r2");
          Baton.yieldNow(); // r1 and r2 queue
          CompletableFuture<Held> w2 = rw.acquireWriteAsync();
          Task<Void> r3 = reader(rw, "r3");
          Baton.yieldNow();
          assertEquals(3, rw.statistics().waitingReaders());
          w1.get().close();
          assertEquals(2, rw.readHolds(), "r1 and r2 together, r3 stays behind w2");
          assertFalse(w2.isDone());
          r1.join();
          r2.join();
          rw.releaseRead();
          rw.releaseRead();
          assertTrue(w2.isDone());
          assertFalse(r3.isDone());
          w2.get().close();
          r3.join();
          assertEquals(List.of("r1", "r2", "r3"), trace);
        });
  }

  @Test
  void writersAndReaders_areServedInArrivalOrder() throws Exception {
    loop(
        () -> {
          ReadWriteLock rw = new ReadWriteLock();
          List<String> order = Collections.synchronizedList(new ArrayList<>());
          rw.acquireWrite();
          List<Task<Void>> tasks = new ArrayList<>();
          for (String who : List.of("r1", "w1", "r2", "r3", "w2", "r4")) {
            tasks.add(
                Baton.spawn(
                    () -> {
                      if (who.startsWith("w")) {
                        try (Held h = rw.writeHold()) {
                          order.add(who);
                          Baton.yieldNow();
                        }
                      } else {
                        try (Held h = rw.readHold()) {
                          order.add(who);
                          Baton.yieldNow();
                        }
                      }
                    }));
          }
          Baton.yieldNow();
          rw.releaseWrite();
          for (Task<Void> t : tasks) {
            t.join();
          }
          assertEquals(List.of("r1", "w1", "r2", "r3", "w2", "r4"), order);
        });
  }

  // ---------------------------------------------------------------- withdrawal

  @Test
  void cancelledWaitingWriter_admitsTheReadersQueuedBehindIt() throws Exception {
    loop(
        () -> {
          ReadWriteLock rw = new ReadWriteLock();
          rw.acquireRead(); // 1: read-held
          Task<Void> w = writer(rw, "w"); // 2: writer waits
          Task<Void> r1 = reader(rw, "r1"); // 3: readers wait behind it
          Task<Void> r2 = reader(rw, "r2");
          Baton.yieldNow();
          assertEquals(1, rw.readHolds());
          w.cancel(); // 4: the writer leaves; the readers go in at once
          assertEquals(3, rw.readHolds(), "admitted before cancel() returned");
          assertThrows(CancellationException.class, w::get);
          r1.join();
          r2.join();
          assertEquals(List.of("r1", "r2"), trace);
          assertEquals(0, rw.statistics().waitingWriters());
        });
  }

  @Test
  void timedOutWaitingWriter_admitsTheReadersQueuedBehindIt() throws Exception {
    EventLoop loop = EventLoop.withVirtualTime();
    loop.run(
        () -> {
          ReadWriteLock rw = new ReadWriteLock();
          rw.acquireRead();
          Task<Boolean> w =
              Baton.spawn(
                  (java.util.concurrent.Callable<Boolean>)
                      () -> rw.acquireWrite(Duration.ofSeconds(2)));
          Task<Void> r = reader(rw, "r");
          Baton.yieldNow();
          assertFalse(w.get());
          r.join();
          assertEquals(2, rw.readHolds());
        });
    assertEquals(Duration.ofSeconds(2), loop.elapsed());
  }

  @Test
  void cancelledWriterFuture_admitsTheReadersBehindIt() {
    ReadWriteLock rw = new ReadWriteLock();
    CompletableFuture<Held> r0 = rw.acquireReadAsync();
    CompletableFuture<Held> w = rw.acquireWriteAsync();
    CompletableFuture<Held> r1 = rw.acquireReadAsync();
    assertTrue(r0.isDone());
    assertFalse(r1.isDone());
    assertTrue(w.cancel(false));
    assertTrue(r1.isDone());
    assertEquals(2, rw.readHolds());
  }

  @Test
  void cancelledWaitingWriter_whileWriteHeld_readersStillWaitForTheWriter() throws Exception {
    loop(
        () -> {
          ReadWriteLock rw = new ReadWriteLock();
          rw.acquireWrite();
          CompletableFuture<Held> w2 = rw.acquireWriteAsync();
          CompletableFuture<Held> r = rw.acquireReadAsync();
          w2.cancel(false);
          assertFalse(r.isDone());
          rw.releaseWrite();
          assertTrue(r.isDone());
        });
  }

  @Test
  void writerFuture_completedByItsUserAfterTheHandOff_passesTheLockOn() throws Exception {
    ReadWriteLock rw = new ReadWriteLock();
    CompletableFuture<Held> w1 = rw.acquireWriteAsync(); // at once
    CompletableFuture<Held> r1 = rw.acquireReadAsync();
    CompletableFuture<Held> w2 = rw.acquireWriteAsync();
    CompletableFuture<Held> r2 = rw.acquireReadAsync();
    List<Boolean> cancelled = Collections.synchronizedList(new ArrayList<>());
    // r1's callback releases its read hold, which hands the lock to w2; w2 is cancelled before
    // it is resumed, so its Held is closed for it and r2 gets the lock.
    r1.thenAccept(
        held -> {
          held.close();
          cancelled.add(w2.cancel(false));
        });
    w1.get().close();
    assertEquals(List.of(true), cancelled);
    assertTrue(w2.isCancelled());
    assertTrue(r2.isDone());
    assertFalse(rw.isWriteLocked());
    assertEquals(1, rw.readHolds());
  }

  // ---------------------------------------------------------------- ownership

  @Test
  void writer_reacquiringOrReadingAgain_throwsInsteadOfHanging() throws Exception {
    loop(
        () -> {
          ReadWriteLock rw = new ReadWriteLock();
          rw.acquireWrite();
          IllegalStateException e = assertThrows(IllegalStateException.class, rw::acquireWrite);
          assertTrue(e.getMessage().contains("not reentrant"), e.getMessage());
          assertThrows(IllegalStateException.class, rw::tryAcquireWrite);
          assertThrows(IllegalStateException.class, () -> rw.acquireWrite(Duration.ofSeconds(1)));
          assertThrows(IllegalStateException.class, rw::acquireRead);
          assertThrows(IllegalStateException.class, rw::tryAcquireRead);
          assertThrows(IllegalStateException.class, rw::writeHold);
          assertTrue(rw.isWriteHeldByCurrentThread());
          assertEquals(0, rw.statistics().waitingWriters() + rw.statistics().waitingReaders());
          rw.releaseWrite();
        });
  }

  @Test
  void releaseWrite_byAnotherTask_throwsAndKeepsTheOwner() throws Exception {
    loop(
        () -> {
          ReadWriteLock rw = new ReadWriteLock();
          rw.acquireWrite();
          Task<Void> other = Baton.spawn(rw::releaseWrite);
          IllegalStateException e = assertThrows(IllegalStateException.class, other::join);
          assertTrue(e.getMessage().contains("held by"), e.getMessage());
          assertTrue(rw.isWriteHeldByCurrentThread());
          rw.releaseWrite();
          assertFalse(rw.isWriteLocked());
        });
  }

  @Test
  void release_ofWhatIsNotHeld_throws() {
    ReadWriteLock rw = new ReadWriteLock();
    assertTrue(
        assertThrows(IllegalStateException.class, rw::releaseWrite)
            .getMessage()
            .contains("not write-held"));
    assertTrue(
        assertThrows(IllegalStateException.class, rw::releaseRead)
            .getMessage()
            .contains("no read hold"));
    rw.acquireWriteAsync();
    assertTrue(
        assertThrows(IllegalStateException.class, rw::releaseWrite)
            .getMessage()
            .contains("closing its Held"));
    assertTrue(rw.isWriteLocked());
  }

  @Test
  void holds_releaseExactlyOnce() throws Exception {
    loop(
        () -> {
          ReadWriteLock rw = new ReadWriteLock();
          Held r1 = rw.readHold();
          Held r2 = rw.readHold();
          r1.close();
          r1.close();
          assertEquals(1, rw.readHolds());
          r2.close();
          Held w = rw.writeHold();
          assertTrue(rw.isWriteLocked());
          w.close();
          w.close();
          assertFalse(rw.isWriteLocked());
          assertEquals(0, rw.readHolds());
        });
  }

  @Test
  void asyncWriteHeld_mayBeClosedFromAnotherThread() throws Exception {
    ReadWriteLock rw = new ReadWriteLock();
    Held w = rw.acquireWriteAsync().get();
    CompletableFuture<Held> r = rw.acquireReadAsync();
    Thread t = Thread.ofVirtual().start(w::close);
    assertTrue(t.join(Duration.ofSeconds(10)));
    assertTrue(r.isDone());
    assertEquals(1, rw.readHolds());
  }

  // ---------------------------------------------------------------- timeouts, entry check, input

  @Test
  void acquireTimed_expires_returnsFalseAndTakesNothing() throws Exception {
    EventLoop loop = EventLoop.withVirtualTime();
    loop.run(
        () -> {
          ReadWriteLock rw = new ReadWriteLock();
          CompletableFuture<Held> w = rw.acquireWriteAsync();
          assertFalse(rw.acquireRead(Duration.ofSeconds(1)));
          assertFalse(rw.acquireRead(Duration.ZERO));
          assertEquals(0, rw.readHolds());
          assertEquals(0, rw.statistics().waitingReaders());
          w.get().close();
          assertTrue(rw.acquireWrite(Duration.ZERO));
          rw.releaseWrite();
        });
    assertEquals(Duration.ofSeconds(1), loop.elapsed());
  }

  @Test
  void acquire_interruptStatusSet_throwsEvenWhenFree() throws Exception {
    loop(
        () -> {
          ReadWriteLock rw = new ReadWriteLock();
          Thread.currentThread().interrupt();
          assertThrows(InterruptedException.class, rw::acquireRead);
          Thread.currentThread().interrupt();
          assertThrows(InterruptedException.class, rw::acquireWrite);
          assertEquals(0, rw.readHolds());
          assertFalse(rw.isWriteLocked());
        });
  }

  @Test
  void badTimeout_throwsNamingItAndChangesNothing() {
    ReadWriteLock rw = new ReadWriteLock();
    assertTrue(
        assertThrows(NullPointerException.class, () -> rw.acquireRead(null))
            .getMessage()
            .contains("timeout"));
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> rw.acquireWrite(Duration.ofNanos(-1)))
            .getMessage()
            .contains("timeout"));
    assertEquals(new ReadWriteLock.Statistics(0, null, 0, 0), rw.statistics());
  }

  @Test
  void statisticsAndToString_describeTheState() throws Exception {
    loop(
        () -> {
          ReadWriteLock rw = new ReadWriteLock();
          assertTrue(rw.toString().contains("unlocked"), rw.toString());
          rw.acquireRead();
          Task<Void> w = writer(rw, "w");
          Baton.yieldNow();
          assertEquals(new ReadWriteLock.Statistics(1, null, 0, 1), rw.statistics());
          assertTrue(rw.toString().contains("read-locked by 1"), rw.toString());
          rw.releaseRead();
          w.join();
          assertTrue(rw.toString().contains("write-locked by"), rw.toString());
          assertNull(new ReadWriteLock().statistics().writer());
        });
  }

  // ---------------------------------------------------------------- deadlock, threads

  @Test
  void upgradeAttempt_isReportedAsADeadlockNamingTheLock() {
    DeadlockException e =
        assertThrows(
            DeadlockException.class,
            () ->
                loop(
                    () -> {
                      ReadWriteLock rw = new ReadWriteLock();
                      rw.acquireRead();
                      rw.acquireWrite(); // waits for its own read hold
                    }));
    assertTrue(e.getMessage().contains("ReadWriteLock.acquireWrite"), e.getMessage());
    assertTrue(e.getMessage().contains("read-locked by 1 reader"), e.getMessage());
  }

  @Test
  void readersAndWritersOnThreads_neverOverlapWrongly() throws Exception {
    ReadWriteLock rw = new ReadWriteLock();
    AtomicInteger readersIn = new AtomicInteger();
    AtomicInteger writersIn = new AtomicInteger();
    AtomicInteger violations = new AtomicInteger();
    long[] counter = {0};
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      boolean writes = t % 3 == 0;
      threads.add(
          (t % 2 == 0 ? Thread.ofPlatform() : Thread.ofVirtual())
              .start(
                  () -> {
                    try {
                      for (int i = 0; i < 2_000; i++) {
                        if (writes) {
                          try (Held h = rw.writeHold()) {
                            if (writersIn.incrementAndGet() != 1 || readersIn.get() != 0) {
                              violations.incrementAndGet();
                            }
                            counter[0]++;
                            writersIn.decrementAndGet();
                          }
                        } else {
                          try (Held h = rw.readHold()) {
                            readersIn.incrementAndGet();
                            if (writersIn.get() != 0) {
                              violations.incrementAndGet();
                            }
                            readersIn.decrementAndGet();
                          }
                        }
                      }
                    } catch (InterruptedException e) {
                      throw new AssertionError(e);
                    }
                  }));
    }
    for (Thread t : threads) {
      assertTrue(t.join(Duration.ofSeconds(30)));
    }
    assertEquals(0, violations.get());
    assertEquals(3 * 2_000, counter[0]);
    assertEquals(0, rw.readHolds());
    assertFalse(rw.isWriteLocked());
  }
}
