// A node of the Runs tree: a sweep group or one run. Commands get these from the tree's menus.

export type RunsNode = { kind: 'group'; name: string } | { kind: 'run'; runId: string };

export function isRunsNode(x: unknown): x is RunsNode {
  return typeof x === 'object' && x !== null && ((x as RunsNode).kind === 'run' || (x as RunsNode).kind === 'group');
}
