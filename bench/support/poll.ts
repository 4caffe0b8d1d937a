const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls until `done` says so or the time is up; answers whether it got there. A benchmark that runs out
 * of time still reports what it measured, so running out is an answer here, not an error.
 */
export async function pollUntil(done: () => Promise<boolean>, { timeoutMs, intervalMs = 250 }: { timeoutMs: number; intervalMs?: number }): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await done()) return true;
    if (Date.now() >= deadline) return false;
    await sleep(intervalMs);
  }
}

/** One number from a `SELECT ... AS n` query. */
export async function countOf(query: (sql: string) => Promise<unknown>, sql: string): Promise<number> {
  const [row] = (await query(sql)) as Array<{ n: string | number | null }>;
  return Number(row?.n ?? 0);
}
