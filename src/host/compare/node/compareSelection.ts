// Which runs "Compare Runs" was asked for. Plain Node, no vscode, so it is testable.
import { isRunsNode, type RunsNode } from '../../runs/node/runsNode';

/** Run ids of tree nodes; a sweep group expands to its runs. Order kept, duplicates dropped. */
export function runIdsOfNodes(nodes: readonly RunsNode[], runsOfGroup: (name: string) => string[]): string[] {
  const ids: string[] = [];
  for (const n of nodes) for (const id of n.kind === 'run' ? [n.runId] : runsOfGroup(n.name)) if (!ids.includes(id)) ids.push(id);
  return ids;
}

/**
 * What the command was called with -> run ids. VS Code passes (clicked node, all selected nodes) from a tree's
 * context menu, nothing from the palette; webviews and other commands pass a string[].
 */
export function compareArgs(args: unknown[], selection: readonly RunsNode[], runsOfGroup: (name: string) => string[]): string[] {
  const [first, second] = args;
  if (Array.isArray(first) && first.every((x) => typeof x === 'string')) return [...new Set(first as string[])];
  if (Array.isArray(second) && second.every(isRunsNode) && second.length > 0) return runIdsOfNodes(second, runsOfGroup);
  if (isRunsNode(first)) {
    // Right-click on a node outside the selection compares just that node (a group: its runs).
    const nodes = selection.some((n) => JSON.stringify(n) === JSON.stringify(first)) ? selection : [first];
    return runIdsOfNodes(nodes, runsOfGroup);
  }
  return runIdsOfNodes(selection, runsOfGroup);
}
