// Slurm follow-cost benchmark (npm run bench:slurm): what following a large sweep costs the login node and the
// controller. A SlurmExecutor is handed BENCH_RUNS runs (default 200) as one job array on the tests' own
// single-node cluster; each task sleeps instead of training (the node runs a few, the rest wait), and the executor
// polls every second for BENCH_POLLS polls (default 20). A squeue shim first on PATH counts the calls and times each.
// Printed: the submission's time, squeue calls per poll, wall ms per squeue call (median, p90), squeue output
// bytes, and the executor's own CPU ms per poll (the driver's share, parsing and bookkeeping).
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { RunConfig } from '../src/protocol/config';
import { SlurmExecutor } from '../src/engine/sweep/slurm/slurmExecutor';
import { slurmUnavailable, startSlurmCluster } from '../test/fixtures-builders/slurmCluster';

const RUNS = Number(process.env.BENCH_RUNS ?? 200);
const POLLS = Number(process.env.BENCH_POLLS ?? 20);

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
}

async function main(): Promise<void> {
  const why = slurmUnavailable();
  if (why) {
    console.log(`slurm bench skipped: ${why}`);
    return;
  }
  const cluster = await startSlurmCluster();
  const work = mkdtempSync(path.join(os.tmpdir(), 'sl-slurm-bench-'));
  try {
    // A squeue that logs "<ms> <bytes>" per call to calls.log, then prints what the real one printed.
    const shimDir = path.join(work, 'bin');
    mkdirSync(shimDir);
    const calls = path.join(work, 'calls.log');
    writeFileSync(
      path.join(shimDir, 'squeue'),
      `#!/bin/bash\nt0=$(date +%s%N)\nout=$(/usr/bin/squeue "$@")\nrc=$?\nt1=$(date +%s%N)\nprintf '%s\\n' "$out"\necho "$(( (t1 - t0) / 1000 )) \${#out}" >> ${calls}\nexit $rc\n`,
    );
    chmodSync(path.join(shimDir, 'squeue'), 0o755);
    // The "node" of the batch script: sleeps for the whole bench instead of training.
    const sleeper = path.join(work, 'sleeper');
    writeFileSync(sleeper, '#!/bin/sh\nsleep 3600\n', { mode: 0o755 });
    const sweepDir = path.join(work, 'sweep');
    mkdirSync(sweepDir);
    const env = { ...cluster.env, PATH: `${shimDir}:${cluster.env.PATH ?? ''}` };
    const executor = new SlurmExecutor({
      sweepName: 'bench',
      sweepDir,
      config: { kind: 'slurm', pollSeconds: 1, node: sleeper, engine: 'unused', cpusPerTask: 1, mem: '64M', time: '02:00:00' },
      env,
    });
    let schedulerEvents = 0;
    const t0 = performance.now();
    for (let index = 0; index < RUNS; index++) {
      executor.start(
        { runId: `r${index}`, runDir: path.join(sweepDir, 'runs', `r${index}`), config: {} as RunConfig, resume: false, index },
        { onEvent: () => undefined, onScheduler: () => void schedulerEvents++ },
      );
    }
    await executor.handedOver();
    const submitMs = performance.now() - t0;
    // The submission's own squeue (tasks of earlier arrays) is not a poll.
    const callLines = (): string[] => (existsSync(calls) ? readFileSync(calls, 'utf8').trim().split('\n') : []);
    const before = callLines().length;
    const cpu0 = process.cpuUsage();
    const w0 = performance.now();
    await new Promise((resolve) => setTimeout(resolve, POLLS * 1000 + 500));
    const cpu = process.cpuUsage(cpu0);
    const wallS = (performance.now() - w0) / 1000;
    executor.detach();
    const rows = callLines().slice(before).map((l) => l.split(' ').map(Number));
    const ms = rows.map(([us]) => us / 1000);
    const bytes = rows.map(([, b]) => b);
    const polls = Math.round(wallS);
    const listed = spawnSync('squeue', ['-h', '-r', '-o', '%T'], { env: cluster.env, encoding: 'utf8' }).stdout.trim().split('\n');
    console.log(`slurm follow cost, ${RUNS} runs in one array (${listed.filter((s) => s === 'RUNNING').length} running, ${listed.filter((s) => s === 'PENDING').length} pending), ${polls} polls at 1 s:`);
    console.log(`  submission (script, sbatch, submissions.json): ${submitMs.toFixed(0)} ms`);
    console.log(`  squeue calls: ${rows.length} (${(rows.length / polls).toFixed(2)} per poll)`);
    console.log(`  squeue wall per call: median ${quantile(ms, 0.5).toFixed(1)} ms, p90 ${quantile(ms, 0.9).toFixed(1)} ms; output ${quantile(bytes, 0.5)} bytes`);
    console.log(`  executor CPU per poll (parse + bookkeeping, this process): ${((cpu.user + cpu.system) / 1000 / polls).toFixed(2)} ms`);
    console.log(`  scheduler events told to the sweep: ${schedulerEvents}`);
  } finally {
    await cluster.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
