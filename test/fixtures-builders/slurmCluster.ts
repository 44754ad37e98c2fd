// A real single-node Slurm cluster for tests, started and stopped by the test itself: Debian's slurmctld and
// slurmd (as root, without systemd), munge for authentication, a slurm.conf in a temporary folder (linuxproc
// process tracking, no task plugin, no accounting, one node "localhost" with this machine's cores and memory,
// one partition "debug"), on free ports. Clients reach it through SLURM_CONF.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export interface SlurmCluster {
  /** Environment for sbatch, squeue, scancel... and for whatever calls them (SLURM_CONF). */
  env: NodeJS.ProcessEnv;
  dir: string;
  /** The daemons' logs, for a failing test's message. */
  logs(): string;
  stop(): Promise<void>;
}

const BINARIES = ['/usr/sbin/slurmctld', '/usr/sbin/slurmd', '/usr/sbin/munged', '/usr/bin/sbatch', '/usr/bin/squeue'];

/** Why a cluster cannot be started here, or undefined when it can. */
export function slurmUnavailable(): string | undefined {
  const missing = BINARIES.filter((b) => !existsSync(b));
  if (missing.length) return `Slurm is not installed (${missing.join(', ')}; apt-get install slurmctld slurmd slurm-client munge)`;
  if (process.getuid?.() !== 0) return 'the test cluster runs slurmctld and slurmd as root';
  return undefined;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

function ensureMunge(): void {
  const key = '/etc/munge/munge.key';
  for (const d of ['/etc/munge', '/var/lib/munge', '/var/log/munge', '/run/munge']) mkdirSync(d, { recursive: true });
  if (!existsSync(key)) writeFileSync(key, Buffer.from(Array.from({ length: 1024 }, () => Math.floor(Math.random() * 256))));
  spawnSync('chown', ['-R', 'munge:munge', '/etc/munge', '/var/lib/munge', '/var/log/munge', '/run/munge']);
  spawnSync('chmod', ['400', key]);
  if (spawnSync('pgrep', ['-x', 'munged']).status !== 0) {
    const r = spawnSync('su', ['-s', '/bin/sh', 'munge', '-c', '/usr/sbin/munged'], { encoding: 'utf8' });
    // Another test file's cluster may have started it a moment before.
    if (r.status !== 0 && spawnSync('pgrep', ['-x', 'munged']).status !== 0) throw new Error(`munged did not start: ${r.stderr || r.stdout}`);
  }
}

export async function startSlurmCluster(options: { cpus?: number } = {}): Promise<SlurmCluster> {
  const why = slurmUnavailable();
  if (why) throw new Error(why);
  ensureMunge();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sl-slurm-'));
  for (const d of ['state', 'spool', 'log']) mkdirSync(path.join(dir, d));
  const cpus = options.cpus ?? os.cpus().length;
  const memMb = Math.max(1024, Math.floor(os.totalmem() / 1024 / 1024) - 2048);
  const [ctldPort, slurmdPort] = [await freePort(), await freePort()];
  const conf = path.join(dir, 'slurm.conf');
  writeFileSync(
    conf,
    [
      'ClusterName=sltest',
      'SlurmctldHost=localhost',
      'SlurmUser=root',
      'SlurmdUser=root',
      'AuthType=auth/munge',
      'ProctrackType=proctrack/linuxproc',
      'TaskPlugin=task/none',
      `StateSaveLocation=${dir}/state`,
      `SlurmdSpoolDir=${dir}/spool`,
      `SlurmctldPidFile=${dir}/slurmctld.pid`,
      `SlurmdPidFile=${dir}/slurmd.pid`,
      `SlurmctldLogFile=${dir}/log/slurmctld.log`,
      `SlurmdLogFile=${dir}/log/slurmd.log`,
      `SlurmctldPort=${ctldPort}`,
      `SlurmdPort=${slurmdPort}`,
      'ReturnToService=2',
      'SchedulerType=sched/backfill',
      'SelectType=select/cons_tres',
      'SelectTypeParameters=CR_Core_Memory',
      'AccountingStorageType=accounting_storage/none',
      'JobAcctGatherType=jobacct_gather/none',
      'MpiDefault=none',
      // Without a default, every job would ask for the whole node's memory and the array would run one task at a time.
      'DefMemPerCPU=1024',
      // Finished jobs stay visible to squeue --states=all for a while (there is no accounting database).
      'MinJobAge=600',
      // A job past its time limit gets this long after the signal before it is killed.
      'KillWait=30',
      `NodeName=localhost CPUs=${cpus} RealMemory=${memMb} State=UNKNOWN`,
      'PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP',
      '',
    ].join('\n'),
  );
  const env = { ...process.env, SLURM_CONF: conf };
  const daemons: ChildProcess[] = [
    spawn('/usr/sbin/slurmctld', ['-D', '-i', '-f', conf], { env, stdio: 'ignore' }),
    spawn('/usr/sbin/slurmd', ['-D', '-f', conf, '-N', 'localhost'], { env, stdio: 'ignore' }),
  ];
  const logs = () =>
    ['slurmctld.log', 'slurmd.log']
      .map((f) => path.join(dir, 'log', f))
      .filter((f) => existsSync(f))
      .map((f) => `--- ${path.basename(f)}\n${readFileSync(f, 'utf8').split('\n').slice(-30).join('\n')}`)
      .join('\n');
  const stop = async () => {
    spawnSync('scancel', ['--full', '--user=root'], { env });
    for (const d of daemons) d.kill('SIGTERM');
    await Promise.all(daemons.map((d) => (d.exitCode !== null ? undefined : new Promise((r) => d.once('exit', r)))));
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    const r = spawnSync('sinfo', ['-h', '-o', '%T'], { env, encoding: 'utf8' });
    if (r.status === 0 && /idle|mix|alloc/.test(r.stdout)) break;
    if (Date.now() > deadline) {
      const text = logs();
      await stop();
      throw new Error(`the test Slurm cluster did not come up in 30 s:\n${text}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return { env, dir, logs, stop };
}
