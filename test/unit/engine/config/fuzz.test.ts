// Fuzz: over a thousand seeded hostile configs (hostileConfigs.ts) through the real validators, then a sample of
// them through the real CLI. Every config either validates (and what config.json would hold validates again) or
// yields problems that each are one short line naming a field; nothing throws, hangs or takes long. Reproduce a
// failure with SELECTIVITY_LENS_FUZZ_SEED=<seed shown in the test name>.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  applyDefaults,
  ConfigProblemsError,
  errorLines,
  expandAlpha,
  fieldName,
  pointerSegments,
  resolveConfigText,
  validateRunConfig,
  type ConfigProblem,
} from '../../../../src/engine/config';
import { isEngineError } from '../../../../src/engine/errors';
import { planSweep } from '../../../../src/engine/sweep/runSweep';
import type { RunConfig } from '../../../../src/protocol/config';
import { toWireJson } from '../../../../src/protocol/wire';
import { REPO_ROOT } from '../../../repoRoot';
import { GENERATORS, hostileCases, seededOrder, SWEEP_BASE_FILE, tinyRun, type HostileCase } from './hostileConfigs';

const SEED = Number(process.env.SELECTIVITY_LENS_FUZZ_SEED ?? 20210503);
const PER_GENERATOR = 90;
const CLI_SAMPLE = 25;
/** Longest message a problem may have (values and keys are quoted short). */
const MESSAGE_LIMIT = 300;
/**
 * A run config is checked in a fraction of a second; a sweep plans (and checks) up to 10,000 runs. Measured in
 * CPU time of this process, so that other processes on a busy machine do not count.
 */
const RUN_MS = 750;
const SWEEP_MS = 3000;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sl-fuzz-'));
process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
fs.writeFileSync(path.join(dir, SWEEP_BASE_FILE), JSON.stringify(tinyRun()));

const cases = hostileCases(SEED, PER_GENERATOR);

interface Outcome {
  accepted: boolean;
  /** Runs a sweep would train (accepted sweeps). */
  runs?: number;
  ms: number;
}
const outcomes = new Map<string, Outcome>();

function fileOf(c: HostileCase): string {
  return path.join(dir, `${c.id.replace('#', '-')}.selectivity.json`);
}

function oneLine(s: string, limit: number, what: string): void {
  assert.doesNotMatch(s, /[\n\r\u0085\u2028\u2029]/, `${what}: one line`);
  assert.ok(s.length <= limit, `${what}: ${s.length} characters: ${s.slice(0, 200)}…`);
}

/** The message starts with the field it is about (or says it is about the whole document). */
function namesItsField(p: ConfigProblem, prefix = ''): boolean {
  const m = p.message.slice(prefix.length);
  if (p.path === '') return /^(invalid JSON|the config|the file is|a run config must be)/.test(m);
  if (p.path === '/kind' && m.startsWith('this is a sweep config')) return true;
  // "base: ..." is about the sweep's inline base: its fields are named from there.
  const segments = pointerSegments(p.path).slice(prefix === 'base: ' ? 1 : 0);
  // A key such as "0" reads back from the pointer as an index; either spelling names the field.
  const asKeys = segments.map(String);
  return m.startsWith(fieldName(segments)) || m.startsWith(fieldName(asKeys));
}

function checkProblems(c: HostileCase, problems: ConfigProblem[], prefixOf: (p: ConfigProblem) => string = () => ''): void {
  assert.ok(problems.some((p) => p.severity === 'error'), `${c.id}: refused with an error`);
  for (const p of problems) {
    oneLine(p.message, MESSAGE_LIMIT, c.id);
    assert.ok(namesItsField(p, prefixOf(p)), `${c.id}: names its field ${JSON.stringify(p.path.slice(0, 80))}: ${p.message.slice(0, 200)}`);
    assert.ok(p.line >= 1 && p.column >= 1 && p.offset >= 0 && p.length >= 0, c.id);
  }
}

/** What a run folder's config.json holds validates again, and resolving it again changes nothing. */
function checkRoundTrip(c: HostileCase, resolved: RunConfig, file: string): void {
  const stored = JSON.parse(toWireJson(resolved, { indent: 2 })) as RunConfig;
  const again = validateRunConfig(stored, file);
  assert.deepEqual(again.problems.filter((p) => p.severity === 'error'), [], `${c.id}: config.json validates again`);
  assert.deepEqual(JSON.parse(toWireJson(applyDefaults(again.config!, path.join(dir, 'elsewhere'), file))), stored, `${c.id}: resolving is idempotent`);
  assert.equal(expandAlpha(stored.selectivity.alpha, stored.train.epochs).length, stored.train.epochs, c.id);
}

function checkRun(c: HostileCase, file: string): boolean {
  const r = resolveConfigText(c.text, file);
  if (!r.config) {
    checkProblems(c, r.problems);
    return false;
  }
  checkRoundTrip(c, r.config, file);
  return true;
}

function checkSweep(c: HostileCase, file: string): number | undefined {
  fs.writeFileSync(file, c.text);
  let plan;
  try {
    plan = planSweep(file);
  } catch (e) {
    assert.ok(isEngineError(e), `${c.id}: an EngineError, got ${String(e).slice(0, 300)}`);
    assert.notEqual(e.code, 'INTERNAL', `${c.id}: ${e.message.slice(0, 300)}`);
    for (const line of errorLines(e)) oneLine(line, MESSAGE_LIMIT + file.length + 2 + 250, c.id);
    if (e instanceof ConfigProblemsError) {
      // Problems of a run inside the sweep carry what they are about first ("base: ", "sweep run NAME: ").
      checkProblems(c, e.problems, (p) => /^(base|sweep run [^:]+): /.exec(p.message)?.[0] ?? '');
    } else {
      assert.ok(e.details.field !== undefined || e.details.file !== undefined, `${c.id}: names a field or file: ${e.message.slice(0, 200)}`);
    }
    return undefined;
  }
  for (const run of plan.runs.slice(0, 20)) checkRoundTrip(c, applyDefaults(run.config, dir, file), file);
  return plan.runs.length;
}

test(`fuzz: ${cases.length} hostile configs from ${GENERATORS.length} generators through the validators (seed ${SEED})`, (t) => {
  const prototypeKeys = Object.getOwnPropertyNames(Object.prototype).sort();
  // Compile the schema validators once, outside the timings.
  validateRunConfig(tinyRun());
  const stats = new Map<string, { accepted: number; refused: number; maxMs: number }>();
  for (const c of cases) {
    const file = fileOf(c);
    const started = process.cpuUsage();
    let accepted: boolean;
    let runs: number | undefined;
    if (c.kind === 'sweep') {
      runs = checkSweep(c, file);
      accepted = runs !== undefined;
    } else {
      accepted = checkRun(c, file);
    }
    const used = process.cpuUsage(started);
    const ms = (used.user + used.system) / 1000;
    assert.ok(ms < (c.kind === 'sweep' ? SWEEP_MS : RUN_MS), `${c.id} took ${ms.toFixed(0)} ms of CPU`);
    outcomes.set(c.id, { accepted, runs, ms });
    const s = stats.get(c.generator) ?? { accepted: 0, refused: 0, maxMs: 0 };
    if (accepted) s.accepted++;
    else s.refused++;
    s.maxMs = Math.max(s.maxMs, ms);
    stats.set(c.generator, s);
  }
  assert.deepEqual(Object.getOwnPropertyNames(Object.prototype).sort(), prototypeKeys, 'Object.prototype is untouched');
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  // Both outcomes occur, so neither check above is vacuous.
  assert.ok(stats.get('valid')!.accepted > 0 && [...stats.values()].some((s) => s.refused > 0));
  for (const [g, s] of stats) t.diagnostic(`${g}: ${s.accepted} accepted, ${s.refused} refused, slowest ${s.maxMs.toFixed(1)} ms of CPU`);
});

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string; timedOut: boolean }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.join(REPO_ROOT, 'bin', 'selectivity-lens'), ...args],
      { cwd: dir, encoding: 'utf8', timeout: 60_000, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, SELECTIVITY_LENS_DEBUG: '' } },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, stdout, stderr, timedOut: !!error?.killed });
      },
    );
  });
}

/**
 * Every generator in turn, a case of it drawn by the seed: first any, then one the validator treated the other
 * way where the generator has one, so both outcomes go through the CLI. Sweeps that would train more than 2 runs
 * are left to the check above.
 */
function cliSample(): HostileCase[] {
  const byGenerator = new Map(GENERATORS.map((g) => [g, seededOrder(SEED + 1, cases.filter((c) => c.generator === g))]));
  const sample: HostileCase[] = [];
  const cheap = (c: HostileCase) => {
    const o = outcomes.get(c.id)!;
    return !o.accepted || c.kind === 'run' || (o.runs ?? 0) <= 2;
  };
  for (let k = 0; sample.length < CLI_SAMPLE && k < CLI_SAMPLE * 4; k++) {
    const generator = GENERATORS[k % GENERATORS.length];
    const candidates = byGenerator.get(generator)!;
    const earlier = sample.find((c) => c.generator === generator);
    const other = earlier && candidates.findIndex((c) => cheap(c) && outcomes.get(c.id)!.accepted !== outcomes.get(earlier.id)!.accepted);
    const next = other !== undefined && other >= 0 ? other : candidates.findIndex(cheap);
    if (next >= 0) sample.push(...candidates.splice(next, 1));
  }
  return sample;
}

test(`fuzz: ${CLI_SAMPLE} of them through the real CLI: trained (exit 0) or clear lines (exit 2), never a crash (seed ${SEED})`, { timeout: 240_000 }, async (t) => {
  assert.equal(outcomes.size, cases.length, 'the validator fuzz ran first');
  const sample = cliSample();
  assert.deepEqual(new Set(sample.map((c) => c.generator)), new Set(GENERATORS), 'every generator is sampled');
  const check = async (c: HostileCase) => {
    const file = fileOf(c);
    fs.writeFileSync(file, c.text);
    const runsDir = path.join(dir, `cli-${c.id.replace('#', '-')}`);
    const args = c.kind === 'sweep'
      ? ['sweep', file, '--runs-dir', runsDir, '--no-report', '--parallel', '1']
      : ['train', file, '--runs-dir', runsDir];
    const started = Date.now();
    const r = await cli(args);
    const seconds = (Date.now() - started) / 1000;
    const expected = outcomes.get(c.id)!.accepted ? 0 : 2;
    const what = `${c.id} (${c.kind}, ${seconds.toFixed(1)} s)`;
    assert.equal(r.timedOut, false, `${what} hung`);
    assert.doesNotMatch(r.stderr, /Internal engine error|\n\s+at |FATAL|Maximum call stack|RangeError/, `${what}: ${r.stderr.slice(0, 400)}`);
    assert.equal(r.code, expected, `${what}: exit ${r.code}, stderr: ${r.stderr.slice(0, 400)}`);
    const lines = r.stderr.split('\n').filter((l) => l.trim() !== '');
    if (expected === 2) {
      assert.ok(lines.length >= 1, `${what}: says why`);
      for (const line of lines) {
        assert.match(line, /^selectivity-lens: /, `${what}: ${line.slice(0, 200)}`);
        oneLine(line, MESSAGE_LIMIT + file.length + 300, what);
      }
      assert.equal(fs.existsSync(runsDir), false, `${what}: nothing is written for a refused config`);
    } else {
      assert.match(r.stdout + r.stderr, c.kind === 'sweep' ? /sweep completed/ : /completed: \d+ epochs? in/, what);
    }
    t.diagnostic(`${what}: exit ${r.code}`);
  };
  // Two at a time: the machine has two cores.
  const queue = [...sample];
  await Promise.all([0, 1].map(async () => {
    for (let c = queue.shift(); c; c = queue.shift()) await check(c);
  }));
});
