// Writes one run folder (layout: RUN_FILES): config.json, meta.json, summary.json atomically; events.jsonl and
// metrics.jsonl append-only; per-epoch selectivity snapshots as binary + index.json. Appends are serialised
// so lines never interleave, and each starts on a fresh line (after a torn one a killed writer left).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { EngineEvent, EpochMetrics, RunMeta, RunSummary } from '../../protocol/events';
import { RUN_FILES, type SelectivityIndex } from '../../protocol/runStore';
import type { LayerClassHistograms, LayerSelectivity } from '../../protocol/selectivity';
import { EngineError } from '../errors';
import { toWireJson } from '../../protocol/wire';
import { writeFileAtomic, writeJsonAtomic } from './atomicFile';
import { crashDue, crashNow, type CrashPoint } from './crashHook';
import type { HeldLock } from './lockFile';
import { reconcileRunFolder } from './reconcile';
import { acquireRunLock, ensureWritableDir, holdsRun } from './runFolder';
import { encodeSelectivity } from './selectivityFile';

export class RunWriter {
  private chain: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly dir: string,
    private readonly lock: HeldLock,
  ) {}

  /** For a new run: `dir` must not already hold a run (nothing earlier is ever overwritten). */
  static startNew(dir: string): RunWriter {
    const abs = path.resolve(dir);
    if (fs.existsSync(abs) && holdsRun(abs)) {
      throw new EngineError('RUN_DIR_UNWRITABLE', `Run folder ${abs} already holds a run; a new run needs a new folder (or resume that one).`, {
        file: abs,
      });
    }
    ensureWritableDir(abs);
    return new RunWriter(abs, acquireRunLock(abs));
  }

  /** For resuming: the folder must hold a run. Taking its lock is the first write (a refused resume writes nothing). */
  static reopen(dir: string): RunWriter {
    const abs = path.resolve(dir);
    if (!fs.existsSync(path.join(abs, RUN_FILES.config))) {
      throw new EngineError('CONFIG_UNREADABLE', `${abs} is not a run folder (it has no ${RUN_FILES.config}).`, { file: abs });
    }
    return new RunWriter(abs, acquireRunLock(abs));
  }

  file(name: string): string {
    return path.join(this.dir, name);
  }

  writeConfig(config: unknown): Promise<void> {
    return this.serial(() => writeJsonAtomic(this.file(RUN_FILES.config), config));
  }

  writeMeta(meta: RunMeta): Promise<void> {
    return this.serial(() => writeJsonAtomic(this.file(RUN_FILES.meta), meta));
  }

  writeSummary(summary: RunSummary): Promise<void> {
    return this.serial(() => writeJsonAtomic(this.file(RUN_FILES.summary), summary));
  }

  appendMetrics(metrics: EpochMetrics): Promise<void> {
    return this.append(RUN_FILES.metrics, metrics, 'append-metrics');
  }

  /** Appends the event without its typed arrays (those live in selectivity/*.bin). Progress is not kept. */
  appendEvent(event: EngineEvent): Promise<void> {
    const slim = slimEvent(event);
    return slim ? this.append(RUN_FILES.events, slim, 'append-events') : Promise.resolve();
  }

  writeSelectivity(epoch: number, networkSI: number, layers: LayerSelectivity[], histograms: LayerClassHistograms[]): Promise<void> {
    return this.serial(async () => {
      const dir = this.file(RUN_FILES.selectivityDir);
      await fs.promises.mkdir(dir, { recursive: true });
      const { bytes, entry } = encodeSelectivity(epoch, networkSI, layers, histograms);
      await writeFileAtomic(path.join(dir, entry.file), bytes);
      const indexFile = this.file(RUN_FILES.selectivityIndex);
      let index: SelectivityIndex = { version: 1, epochs: [] };
      try {
        index = JSON.parse(await fs.promises.readFile(indexFile, 'utf8')) as SelectivityIndex;
      } catch {
        // first snapshot
      }
      index.epochs = [...index.epochs.filter((e) => e.epoch !== epoch), entry].sort((a, b) => a.epoch - b.epoch);
      await writeJsonAtomic(indexFile, index);
    });
  }

  /**
   * For a resume from a checkpoint after `epochsDone` epochs, before anything else is written: drops what the
   * folder holds past that checkpoint and the leftovers of interrupted writes (see reconcile.ts).
   */
  reconcile(epochsDone: number): Promise<string[]> {
    return this.serial(async () => reconcileRunFolder(this.dir, epochsDone));
  }

  /** Waits for every queued write. */
  flush(): Promise<void> {
    return this.serial(async () => undefined);
  }

  async close(): Promise<void> {
    await this.flush().catch(() => undefined);
    this.lock.release();
  }

  /**
   * A new run that failed before it began (its config, data or model was refused): what this writer wrote
   * (config.json, events.jsonl) goes again, and the folder too when nothing else is in it, so no folder is left
   * that looks like a failed run of 0 epochs. Other files (a sweep worker's engine.log) are kept.
   */
  async discardUnstarted(): Promise<void> {
    await this.close();
    for (const name of [RUN_FILES.config, RUN_FILES.events, RUN_FILES.metrics, RUN_FILES.summary]) fs.rmSync(this.file(name), { force: true });
    try {
      fs.rmdirSync(this.dir);
    } catch {
      // not empty (or already gone): leave it
    }
  }

  private append(name: string, value: unknown, point: CrashPoint): Promise<void> {
    return this.serial(async () => {
      const file = this.file(name);
      const line = toWireJson(value) + '\n';
      const text = (await endsMidLine(file)) ? '\n' + line : line;
      if (crashDue(point)) {
        fs.appendFileSync(file, text.slice(0, Math.ceil(text.length / 2)));
        crashNow();
      }
      await fs.promises.appendFile(file, text);
    });
  }

  private serial<T>(job: () => Promise<T>): Promise<T> {
    const next = this.chain.then(job, job);
    this.chain = next.catch(() => undefined);
    return next.catch((e) => {
      if (e instanceof EngineError) throw e;
      throw new EngineError('RUN_DIR_UNWRITABLE', `Could not write to run folder ${this.dir}: ${e instanceof Error ? e.message : String(e)}`, {
        file: this.dir,
      });
    });
  }
}

/** Whether `file` ends inside a line (a torn last line): the next line must then start after a newline. */
async function endsMidLine(file: string): Promise<boolean> {
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(file, 'r');
  } catch {
    return false; // not there yet
  }
  try {
    const { size } = await handle.stat();
    if (size === 0) return false;
    const last = Buffer.alloc(1);
    await handle.read(last, 0, 1, size - 1);
    return last[0] !== 0x0a;
  } finally {
    await handle.close();
  }
}

/** The event as kept in events.jsonl: typed arrays dropped, layer summaries kept; undefined for progress. */
export function slimEvent(event: EngineEvent): object | undefined {
  switch (event.type) {
    case 'progress':
    case 'dataDownload':
      return undefined;
    case 'selectivity':
      return {
        ...event,
        time: new Date().toISOString(),
        layers: event.layers.map((l) => ({ layer: l.layer, units: l.units, meanSI: mean(l.si) })),
      };
    case 'classResponses':
      return {
        ...event,
        time: new Date().toISOString(),
        layers: event.layers.map((l) => ({ layer: l.layer, units: l.units, classes: l.classes, bins: l.bins })),
      };
    case 'hello':
    case 'runStarted':
    case 'epoch':
    case 'checkpoint':
    case 'runFinished':
    case 'log':
    case 'error':
      return { ...event, time: new Date().toISOString() };
  }
}

function mean(a: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return a.length ? s / a.length : NaN;
}
