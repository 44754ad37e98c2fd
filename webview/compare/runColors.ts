// One colour per compared run: the theme's chart colours first (they suit the theme), then a categorical
// scheme for larger comparisons (a sweep of many alphas); the order is the order of the runs.
import { schemeTableau10 } from 'd3';
import { palette } from '../shared/theme';

export function runColors(n: number): string[] {
  const theme = palette().series;
  const extra = schemeTableau10.filter((c) => !theme.includes(c));
  const all = [...theme, ...extra];
  return Array.from({ length: n }, (_, i) => all[i % all.length]);
}
