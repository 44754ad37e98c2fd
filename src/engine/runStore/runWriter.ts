// Writes one run folder (layout: RUN_FILES): config.json, meta.json, summary.json atomically; events.jsonl and
// metrics.jsonl append-only; per-epoch selectivity snapshots as binary + index.json. Appends are serialised
// so lines never interleave.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { EngineEvent, EpochMetrics, RunMeta, RunSummary } from '../../protocol/events';
import { RUN_FILES, type SelectivityIndex } from '../../protocol/runStore';
import type { LayerClassHistograms, LayerSelectivity } from '../../protocol/selectivity';
import { EngineError } from '../errors';
import { jsonReplacer, writeFileAtomic, writeJsonAtomic } from './atomicFile';
import { acquireRunLock, ensureWritableDir, holdsRun, releaseRunLock } from './runFolder';
import { encodeSelectivity } from './selectivityFile';

export class RunWriter {
  private chain: Promise<unknown> = Promise.resolve();

  private constructor(readonly dir: string) {}

  /** For a new run: `dir` must not already hold a run (nothing earlier is ever overwritten). */
  static startNew(dir: string): RunWriter {
    const abs = path.resolve(dir);
    if (fs.existsSync(abs) && holdsRun(abs)) {
      throw new EngineError('RUN_DIR_UNWRITABLE', `Run folder ${abs} already holds a run; a new run needs a new folder (or resume that one).`, {
        file: abs,
      });
    }
    ensureWritableDir(abs);
    acquireRunLock(abs);
    return new RunWriter(abs);
  }

  /** For resuming: the folder must hold a run. */
  static reopen(dir: string): RunWriter {
    const abs = path.resolve(dir);
    if (!fs.existsSync(path.join(abs, RUN_FILES.config))) {
      throw new EngineError('CONFIG_UNREADABLE', `${abs} is not a run folder (it has no ${RUN_FILES.config}).`, { file: abs });
    }
    ensureWritableDir(abs);
    acquireRunLock(abs);
    return new RunWriter(abs);
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
    return this.append(RUN_FILES.metrics, metrics);
  }

  /** Appends the event without its typed arrays (those live in selectivity/*.bin). Progress is not kept. */
  appendEvent(event: EngineEvent): Promise<void> {
    const slim = slimEvent(event);
    return slim ? this.append(RUN_FILES.events, slim) : Promise.resolve();
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

  /** Waits for every queued write. */
  flush(): Promise<void> {
    return this.serial(async () => undefined);
  }

  async close(): Promise<void> {
    await this.flush().catch(() => undefined);
    releaseRunLock(this.dir);
  }

  private append(name: string, value: unknown): Promise<void> {
    return this.serial(() => fs.promises.appendFile(this.file(name), JSON.stringify(value, jsonReplacer) + '\n'));
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

/** The event as kept in events.jsonl: typed arrays dropped, layer summaries kept; undefined for progress. */
export function slimEvent(event: EngineEvent): object | undefined {
  switch (event.type) {
    case 'progress':
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
    default:
      return { ...event, time: new Date().toISOString() };
  }
}

function mean(a: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return a.length ? s / a.length : NaN;
}
