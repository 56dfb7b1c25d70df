package dev.baton.examples;

import dev.baton.Baton;
import dev.baton.Held;
import dev.baton.Semaphore;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeoutException;

/** The example in the README, compiled and tested here so that it cannot go stale. */
public final class ReadmeExample {
  public static void main(String[] args) throws Exception {
    Baton.run(ReadmeExample::crawl); // one loop, one task at a time, like asyncio.run
  }

  static void crawl() throws Exception {
    Semaphore slots = new Semaphore(2); // at most two fetches at a time
    List<String> pages =
        Baton.gather(
            () -> fetch(slots, "a", 1), () -> fetch(slots, "b", 2), () -> fetch(slots, "c", 1));
    System.out.println(pages); // [A, B, C]: results in argument order
    try {
      Baton.timeout(Duration.ofSeconds(1), () -> fetch(slots, "d", 5));
    } catch (TimeoutException e) {
      System.out.println("d timed out; free slots: " + slots.availablePermits()); // 2
    }
  }

  static String fetch(Semaphore slots, String page, int seconds) throws InterruptedException {
    try (Held slot = slots.hold()) { // async with slots:
      System.out.println("fetching " + page);
      Baton.sleep(Duration.ofSeconds(seconds)); // a virtual thread parks; the loop runs others
      return page.toUpperCase(Locale.ROOT);
    }
  }
}
