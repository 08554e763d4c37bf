/** Last-in-first-out cleanups, so everything a scenario started is stopped, also after a failure or Ctrl-C. */

/** A stack of cleanup functions. */
export class CleanupStack {
  private readonly tasks: { name: string; run: () => Promise<unknown> | unknown }[] = [];

  /** Registers `run` (named for error messages) to be called by {@link CleanupStack.runAll}. */
  defer(name: string, run: () => Promise<unknown> | unknown): void {
    this.tasks.push({ name, run });
  }

  /**
   * Runs every registered cleanup, newest first, each at most once; a failing cleanup does not stop
   * the others. Returns the failures as messages. Never throws.
   */
  async runAll(): Promise<string[]> {
    const failures: string[] = [];
    for (let task = this.tasks.pop(); task; task = this.tasks.pop()) {
      try {
        await task.run();
      } catch (err) {
        failures.push(`${task.name}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    return failures;
  }
}
