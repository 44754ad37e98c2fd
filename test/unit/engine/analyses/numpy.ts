// Runs a short numpy script as an independent reference: JSON in on stdin, JSON out on stdout. Debian's
// /usr/bin/python3 with python3-numpy (.ci/run installs it); tests skip the comparison where it is absent.
import { spawnSync } from 'node:child_process';

const PYTHON = '/usr/bin/python3';

let available: boolean | undefined;

export function numpyAvailable(): boolean {
  if (available === undefined) available = spawnSync(PYTHON, ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;
  return available;
}

/** `script` reads `inp` (the parsed JSON input) and assigns `out`, which comes back parsed. */
export function numpy<T>(script: string, input: unknown): T {
  const program = `import sys, json\nimport numpy as np\ninp = json.load(sys.stdin)\n${script}\njson.dump(out, sys.stdout)\n`;
  const r = spawnSync(PYTHON, ['-c', program], { input: JSON.stringify(input), encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`numpy reference failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}
