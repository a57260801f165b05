/**
 * Runs every variant of a benchmark `rounds` times, in an order rotated from round to round
 * (so none always runs first, on a cold JIT, or last, on a warm one), prints each round, and
 * resolves with each variant's median rate.
 */
export async function inRounds<K extends string>(
  rounds: number,
  variants: Readonly<Record<K, () => Promise<number>>>,
  unit = 'records/s',
): Promise<Record<K, number>> {
  const names = Object.keys(variants) as K[];
  const rates = new Map<K, number[]>(names.map((name) => [name, []]));
  for (let round = 0; round < rounds; round += 1) {
    const line: string[] = [];
    for (let i = 0; i < names.length; i += 1) {
      const name = names[(i + round) % names.length] as K;
      const rate = await variants[name]();
      rates.get(name)?.push(rate);
      line.push(`${name} ${Math.round(rate)}`);
    }
    console.log(`  round ${round + 1}: ${line.join(', ')} ${unit}`);
  }
  const medians = {} as Record<K, number>;
  for (const name of names) {
    const sorted = [...(rates.get(name) ?? [])].sort((a, b) => a - b);
    medians[name] = sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
  }
  return medians;
}
