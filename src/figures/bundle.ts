// Entry of dist/figures.js: the sweep figures as one script with no imports and no DOM, which the engine
// evaluates in a bare VM context to export the figures as .svg files. The engine imports only the type
// FiguresApi from here; d3 is bundled in by esbuild, never required by Node.
import { figureSvgs } from './sweepFigures';

export interface FiguresApi {
  figureSvgs: typeof figureSvgs;
}

const api: FiguresApi = { figureSvgs };
(globalThis as unknown as { SelectivityLensFigures: FiguresApi }).SelectivityLensFigures = api;
