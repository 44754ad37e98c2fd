// The one place a run's display name is made, so the Runs tree, the pickers, the panel and Live headers, the
// compare view and the CLI all call a run the same: the user's label (label.json), else the config's name.
import type { RunLabel } from './runStore';

export interface NamedRun {
  runId: string;
  meta?: { name: string };
  label?: RunLabel;
}

/** The user's label, else the config's name, else the run id. */
export function runDisplayName(run: NamedRun): string {
  return run.label?.label || run.meta?.name || run.runId;
}

/** "#baseline #seed-2", or '' for a run without tags. */
export function runTagsText(run: { label?: RunLabel }): string {
  return (run.label?.tags ?? []).map((t) => `#${t}`).join(' ');
}

/** Display name and tags in one line, for places with room for one string: "baseline · #seed-2". */
export function runTitle(run: NamedRun): string {
  const tags = runTagsText(run);
  return tags ? `${runDisplayName(run)} · ${tags}` : runDisplayName(run);
}

/**
 * A label as it is stored: the name trimmed (empty or the config's own name: none, back to the config's name),
 * tags trimmed, without '#', empty ones and repeats dropped.
 */
export function normalizeRunLabel(label: { label?: string; tags?: readonly string[] }, configName?: string): RunLabel {
  const name = label.label?.trim();
  const tags = [...new Set((label.tags ?? []).map(normalizeTag).filter(Boolean))];
  return name && name !== configName ? { label: name, tags } : { tags };
}

/** A tag as stored: trimmed, without leading '#'. */
export function normalizeTag(tag: string): string {
  return tag.trim().replace(/^#+/, '').trim();
}

/** Comma-separated tags as typed into an input box: "a, b,,c" -> ['a', 'b', 'c']. */
export function parseTags(text: string): string[] {
  return normalizeRunLabel({ tags: text.split(',') }).tags;
}
