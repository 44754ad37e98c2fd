// The analyses/ folder of a run: one JSON file per analysis (similarity: one per other run), written
// atomically, read back for `info`, the report and the views. No tfjs.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ANALYSIS_FILES, type AnalysisKind, type AnalysisResult, type SimilarityResult } from '../../protocol/analyses';
import { writeJsonAtomic } from './atomicFile';

/** A file-system safe stand-in for a run folder's name inside a similarity file name. */
function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9._=+-]/g, '_');
}

/** Where `result` lives inside `runDir`. */
export function analysisFile(runDir: string, result: AnalysisResult): string {
  if (result.kind === 'similarity') {
    return path.join(runDir, `${ANALYSIS_FILES.similarityPrefix}${safeName(path.basename(result.runB))}.json`);
  }
  const rel: Record<Exclude<AnalysisKind, 'similarity'>, string> = {
    ablation: ANALYSIS_FILES.ablation,
    dimensionality: ANALYSIS_FILES.dimensionality,
    topInputs: ANALYSIS_FILES.topInputs,
    robustness: ANALYSIS_FILES.robustness,
  };
  return path.join(runDir, rel[result.kind]);
}

export async function writeAnalysis(runDir: string, result: AnalysisResult): Promise<string> {
  const file = analysisFile(runDir, result);
  await fs.promises.mkdir(path.dirname(file), { recursive: true });
  await writeJsonAtomic(file, result);
  return file;
}

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

export interface RunAnalyses {
  ablation?: Extract<AnalysisResult, { kind: 'ablation' }>;
  dimensionality?: Extract<AnalysisResult, { kind: 'dimensionality' }>;
  topInputs?: Extract<AnalysisResult, { kind: 'topInputs' }>;
  robustness?: Extract<AnalysisResult, { kind: 'robustness' }>;
  similarity: SimilarityResult[];
  /** Relative paths of the files found. */
  files: string[];
}

/** Every analysis result a run folder holds; unreadable files are left out. */
export function readAnalyses(runDir: string): RunAnalyses {
  const dir = path.join(runDir, ANALYSIS_FILES.dir);
  const out: RunAnalyses = { similarity: [], files: [] };
  let names: string[];
  try {
    names = fs.readdirSync(dir).filter((n) => n.endsWith('.json')).sort();
  } catch {
    return out;
  }
  for (const name of names) {
    const r = readJson<AnalysisResult>(path.join(dir, name));
    if (!r || typeof r !== 'object' || !('kind' in r)) continue;
    out.files.push(`${ANALYSIS_FILES.dir}/${name}`);
    switch (r.kind) {
      case 'similarity':
        out.similarity.push(r);
        break;
      case 'ablation':
        out.ablation = r;
        break;
      case 'dimensionality':
        out.dimensionality = r;
        break;
      case 'topInputs':
        out.topInputs = r;
        break;
      case 'robustness':
        out.robustness = r;
        break;
    }
  }
  return out;
}
