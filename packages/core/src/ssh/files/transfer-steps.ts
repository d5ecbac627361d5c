/** Small helpers shared by uploads and downloads. */

/** Runs `work` on every item, at most `concurrency` at once; the first failure stops new work and is thrown once the running ones settled. */
export async function runWorkers<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (failure === undefined && next < items.length) {
      const item = items[next++] as T;
      try {
        await work(item);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, () => worker()));
  if (failure !== undefined) throw failure.error;
}
