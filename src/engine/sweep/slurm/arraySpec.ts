// The --array value of one submission: the sweep.json indices of the runs to train, as Slurm's compact list
// ("0,3-7,9"), with the throttle ("%4") when at most K may run at once.

export function arraySpec(indices: readonly number[], throttle?: number): string {
  const sorted = [...new Set(indices)].sort((a, b) => a - b);
  if (sorted.length === 0) throw new Error('a job array needs at least one task');
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    parts.push(j === i ? String(sorted[i]) : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return throttle !== undefined ? `${parts.join(',')}%${throttle}` : parts.join(',');
}
