/**
 * Maps one item after another, awaiting each: the first refusal in list order
 * is the one reported (as a synchronous loop would), and a transaction's
 * queries run one at a time on its connection.
 */
export async function mapInOrder<T, R>(items: readonly T[], fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i++) out.push(await fn(items[i]!, i));
  return out;
}
