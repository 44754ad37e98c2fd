// Every id the extension contributes in package.json (commands, views, webview panels, settings, the status
// item) and the keys it stores, in one place: code names them only through these constants, and
// test/unit/host/ids.test.ts checks them against package.json.

export const COMMANDS = {
  newRunConfig: 'selectivityLens.newRunConfig',
  startRun: 'selectivityLens.startRun',
  stopRun: 'selectivityLens.stopRun',
  resumeRun: 'selectivityLens.resumeRun',
  openPanel: 'selectivityLens.openPanel',
  analyzeModel: 'selectivityLens.analyzeModel',
  showEngineLog: 'selectivityLens.showEngineLog',
  installNativeBackend: 'selectivityLens.installNativeBackend',
  setUpGpu: 'selectivityLens.setUpGpu',
  startSweep: 'selectivityLens.startSweep',
  validateConfig: 'selectivityLens.validateConfig',
  revealRunFolder: 'selectivityLens.revealRunFolder',
  deleteRun: 'selectivityLens.deleteRun',
  renameRun: 'selectivityLens.renameRun',
  tagRun: 'selectivityLens.tagRun',
  refreshRuns: 'selectivityLens.refreshRuns',
  compareRuns: 'selectivityLens.compareRuns',
  runAblation: 'selectivityLens.runAblation',
  findTopInputs: 'selectivityLens.findTopInputs',
  computeDimensionality: 'selectivityLens.computeDimensionality',
  testRobustness: 'selectivityLens.testRobustness',
  compareRepresentations: 'selectivityLens.compareRepresentations',
  analyzeSweep: 'selectivityLens.analyzeSweep',
} as const;

export type CommandName = keyof typeof COMMANDS;
export type CommandId = (typeof COMMANDS)[CommandName];

/** The activity-bar container and the views in it. */
export const VIEWS = {
  container: 'selectivityLens',
  runs: 'selectivityLens.runs',
  live: 'selectivityLens.live',
} as const;

/** Editor webview panels (their serializers restore them after a reload). */
export const WEBVIEW_PANELS = {
  run: 'selectivityLens.panel',
  compare: 'selectivityLens.compare',
} as const;

export const STATUS_ITEM_ID = 'selectivityLens.status';

/** The settings section; each setting's full name is `${SETTINGS_SECTION}.${key}`. */
export const SETTINGS_SECTION = 'selectivityLens';

/** The settings' keys within the section. */
export const SETTING_KEYS = {
  runsFolder: 'runsFolder',
  preferredBackend: 'preferredBackend',
  maxConcurrentRuns: 'maxConcurrentRuns',
  panelUpdateRate: 'panelUpdateRate',
  datasetsFolder: 'datasetsFolder',
} as const;

/** A setting's full name, as users see it in the Settings editor and in messages. */
export function settingName(key: keyof typeof SETTING_KEYS): string {
  return `${SETTINGS_SECTION}.${SETTING_KEYS[key]}`;
}

/** Keys of what the extension keeps in VS Code's workspace state. */
export const STATE_KEYS = {
  extraRunFolders: 'selectivityLens.extraRunFolders',
} as const;
