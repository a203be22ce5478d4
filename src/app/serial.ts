/**
 * Runs at most one task per key at a time. Events that arrive while a task runs are
 * coalesced into one re-run, which reads the newest state from GitHub: a slow, stale
 * evaluation can never be the last word, and duplicate deliveries cost one evaluation.
 */
export class PerKeySerializer {
  private readonly states = new Map<string, { again: boolean; done: Promise<void> }>();

  schedule(key: string, task: () => Promise<void>, onError: (e: unknown) => void): Promise<void> {
    const existing = this.states.get(key);
    if (existing) {
      existing.again = true;
      return existing.done;
    }
    const state = { again: false, done: Promise.resolve() };
    state.done = (async () => {
      try {
        do {
          state.again = false;
          try {
            await task();
          } catch (e) {
            onError(e);
          }
        } while (state.again);
      } finally {
        this.states.delete(key);
      }
    })();
    this.states.set(key, state);
    return state.done;
  }

  get active(): number {
    return this.states.size;
  }
}
