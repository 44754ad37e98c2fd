// Colours for canvas drawing, read from VS Code's theme variables. SVG and HTML use the CSS variables
// directly (shared/styles.css); canvas cannot, so it asks here and redraws when the theme changes.
import { color, hcl, interpolateLab, piecewise } from 'd3';

export interface Palette {
  /** Bumps on every theme change; views use it as a redraw key. */
  version: number;
  kind: 'light' | 'dark' | 'high-contrast' | 'high-contrast-light';
  background: string;
  foreground: string;
  muted: string;
  focus: string;
  selection: string;
  series: string[];
  /** 256 RGBA entries, low (background-like) to high. */
  heatRamp: Uint8ClampedArray;
  heatStops: string[];
}

const FALLBACK = {
  light: { bg: '#ffffff', fg: '#3b3b3b', blue: '#1a85ff', muted: '#717171' },
  dark: { bg: '#1f1f1f', fg: '#cccccc', blue: '#3794ff', muted: '#9d9d9d' },
};

function cssVar(name: string, fallback: string): string {
  const value = getComputedStyle(document.body).getPropertyValue(name).trim();
  return value && color(value) ? value : fallback;
}

function themeKind(): Palette['kind'] {
  const c = document.body.classList;
  if (c.contains('vscode-high-contrast-light')) return 'high-contrast-light';
  if (c.contains('vscode-high-contrast')) return 'high-contrast';
  if (c.contains('vscode-light')) return 'light';
  return 'dark';
}

function readPalette(version: number): Palette {
  const kind = themeKind();
  const base = kind === 'light' || kind === 'high-contrast-light' ? FALLBACK.light : FALLBACK.dark;
  const background = cssVar('--vscode-editor-background', base.bg);
  const foreground = cssVar('--vscode-editor-foreground', base.fg);
  const blue = cssVar('--vscode-charts-blue', base.blue);
  const series = [
    blue,
    cssVar('--vscode-charts-orange', '#d18616'),
    cssVar('--vscode-charts-green', '#388a34'),
    cssVar('--vscode-charts-red', '#e51400'),
    cssVar('--vscode-charts-purple', '#652d90'),
    cssVar('--vscode-charts-yellow', '#bf8803'),
  ];
  // Background -> theme blue -> the same hue far from the page (deep navy on light themes, pale blue on dark
  // ones): lightness moves one way only, low fades into the page, and high never turns into a neutral grey.
  const b = hcl(blue);
  const lightPage = hcl(background).l > 50;
  const heatStops = [background, blue, hcl(b.h, Math.min(b.c, 55), lightPage ? 25 : 88).formatHex()];
  const ramp = piecewise(interpolateLab, heatStops);
  const heatRamp = new Uint8ClampedArray(256 * 4);
  for (let i = 0; i < 256; i++) {
    const c = color(ramp(i / 255))!.rgb();
    heatRamp[i * 4] = c.r;
    heatRamp[i * 4 + 1] = c.g;
    heatRamp[i * 4 + 2] = c.b;
    heatRamp[i * 4 + 3] = 255;
  }
  return {
    version,
    kind,
    background,
    foreground,
    muted: cssVar('--vscode-descriptionForeground', base.muted),
    focus: cssVar('--vscode-focusBorder', blue),
    selection: cssVar('--vscode-charts-orange', '#d18616'),
    series,
    heatRamp,
    heatStops,
  };
}

let current: Palette | undefined;

export function palette(): Palette {
  if (!current) current = readPalette(0);
  return current;
}

/** VS Code swaps body classes and the variables in <html style> on a theme change. */
export function watchTheme(onChange: () => void): void {
  const observer = new MutationObserver(() => {
    const next = readPalette((current?.version ?? 0) + 1);
    const prev = current;
    if (prev && prev.kind === next.kind && prev.heatStops.join() === next.heatStops.join() && prev.series.join() === next.series.join()) {
      return;
    }
    current = next;
    onChange();
  });
  observer.observe(document.body, { attributes: true, attributeFilter: ['class', 'style'] });
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['class', 'style'] });
}
