/**
 * Baton: asyncio's coordination model for Java virtual threads.
 *
 * <p>The public API lives in {@code dev.baton}; the wait-queue engine and the event loop live in
 * {@code dev.baton.internal}, which is not exported.
 */
module dev.baton {
  exports dev.baton;
}
