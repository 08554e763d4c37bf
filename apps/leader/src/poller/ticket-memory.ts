/**
 * What one leader remembers about tickets between polls, so that a steady state of tickets costs
 * no Jira requests: when each ticket last entered the ready status (valid while the ticket's
 * `updated` timestamp is unchanged) and which explanatory comments it already made sure of. Only
 * an optimisation: everything here can be lost (restart, eviction) and is then read from Jira
 * again; the markers in Jira keep comments unique.
 */

/** Default bound of each memory, in tickets. */
export const DEFAULT_TICKET_MEMORY_SIZE = 10_000;

/**
 * A map holding at most `maxEntries` entries; writing beyond that forgets the entry written
 * longest ago. Not thread-safe (not needed in Node).
 */
export class BoundedMap<K, V> {
  private readonly entries = new Map<K, V>();

  /** @throws {RangeError} when `maxEntries` is not an integer ≥ 1. */
  constructor(private readonly maxEntries: number = DEFAULT_TICKET_MEMORY_SIZE) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) {
      throw new RangeError(`maxEntries must be an integer of at least 1, got ${maxEntries}`);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: K): V | undefined {
    return this.entries.get(key);
  }

  set(key: K, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }
}

/** When a ticket entered the ready status, as known at one version (`updated`) of the ticket. */
interface ReadyEntry {
  updated: string;
  readyEnteredAt: string | null;
}

/**
 * Remembers each ticket's ready-entry time keyed by the ticket's `updated` timestamp: every
 * status change updates the ticket, so an unchanged `updated` means an unchanged ready-entry time.
 */
export class ReadyEntryCache {
  private readonly entries: BoundedMap<string, ReadyEntry>;

  constructor(maxEntries?: number) {
    this.entries = new BoundedMap(maxEntries);
  }

  /** The remembered time (ISO, or null = unknown) for this version of the ticket; undefined when not known. */
  get(issueKey: string, updated: string): string | null | undefined {
    const entry = this.entries.get(issueKey);
    return entry !== undefined && updated !== '' && entry.updated === updated ? entry.readyEnteredAt : undefined;
  }

  /** Remembers the time for this version of the ticket; a ticket without `updated` is not remembered. */
  set(issueKey: string, updated: string, readyEnteredAt: string | null): void {
    if (updated === '') return;
    this.entries.set(issueKey, { updated, readyEnteredAt });
  }
}
