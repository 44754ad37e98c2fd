// `npm start`: builds the extension, packages the VSIX, installs it into a project-local
// code-server (a real VS Code in the browser), prepares an example workspace and serves it on
// 127.0.0.1 only. Prints the URL and keeps running until Ctrl-C.
//
// Options (the end-to-end tests use them):
//   --skip-build          reuse out/ and dist/ as they are
//   --workspace <dir>     folder to open (default .cache/example-workspace, refreshed from examples/)
//   --data-dir <dir>      code-server user data, extensions and config (default .cache/vscode)
//   --port <n>            port on 127.0.0.1 (default: a free one)
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { parse as parseJsonc } from 'jsonc-parser';
import { hostTarget, packageTarget } from './vsix.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const options = parseArgs(process.argv.slice(2));
const workspace = resolve(options.workspace ?? join(root, '.cache', 'example-workspace'));
const dataDir = resolve(options.dataDir ?? join(root, '.cache', 'vscode'));
const codeServer = join(root, '.cache', 'code-server', 'node_modules', '.bin', 'code-server');
const vsix = join(root, 'selectivity-lens.vsix');

function parseArgs(argv) {
  const parsed = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--skip-build') parsed.skipBuild = true;
    else if (arg === '--workspace') parsed.workspace = argv[++i];
    else if (arg === '--data-dir') parsed.dataDir = argv[++i];
    else if (arg === '--port') parsed.port = Number(argv[++i]);
    else fail(`unknown option ${arg} (options: --skip-build, --workspace <dir>, --data-dir <dir>, --port <n>)`);
  }
  return parsed;
}

function fail(message) {
  console.error(`start: ${message}`);
  process.exit(1);
}

function step(title, command, args, { quiet = false } = {}) {
  console.log(`start: ${title}`);
  // Quiet steps show their output only when they fail (vsce lists every packaged file).
  const result = spawnSync(command, args, {
    cwd: root,
    stdio: quiet ? ['ignore', 'pipe', 'pipe'] : ['ignore', 'inherit', 'inherit'],
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (quiet && result.status !== 0) process.stderr.write(`${result.stdout ?? ''}${result.stderr ?? ''}`);
  if (result.status !== 0) fail(`${title} failed (exit ${result.status ?? result.signal})`);
  return `${result.stdout ?? ''}${result.stderr ?? ''}`;
}

/** The VSIX for this machine's platform (scripts/vsix.mjs: only this platform's Dawn binary inside). */
function packageVsix() {
  console.log('start: packaging the VSIX');
  const { ok, output } = packageTarget(hostTarget(), vsix);
  if (ok) return output;
  process.stderr.write(output);
  fail('packaging the VSIX failed');
}

function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

/** Copies examples/ into the workspace: example files are refreshed, anything else (runs, own configs) kept. */
function prepareWorkspace() {
  mkdirSync(workspace, { recursive: true });
  const examples = join(root, 'examples');
  if (existsSync(examples)) {
    // Configs and their files only: not run folders someone trained from examples/ with the CLI.
    const skip = (name) => name === 'runs' || name.startsWith('.');
    // A config is copied the way "New Run Config from a Template" copies it: its relative "$schema" pointed into
    // this repository (../schemas), which the workspace does not have; the extension maps the schema itself.
    const require = createRequire(import.meta.url);
    const { retargetTemplate } = require(join(root, 'out', 'src', 'host', 'config', 'node', 'configTemplates.js'));
    for (const name of readdirSync(examples)) {
      if (skip(name)) continue;
      const from = join(examples, name);
      if (name.endsWith('.selectivity.json')) writeFileSync(join(workspace, name), retargetTemplate(readFileSync(from, 'utf8'), from).text);
      else cpSync(from, join(workspace, name), { recursive: true, filter: (src) => !skip(basename(src)) });
    }
  }
  const readme = join(workspace, 'README.md');
  if (!existsSync(readme)) {
    const configs = readdirSync(workspace).filter((name) => name.endsWith('.selectivity.json')).sort(byQuickFirst);
    writeFileSync(
      readme,
      [
        '# Selectivity Lens example workspace',
        '',
        'Open a `*.selectivity.json` config and press **Run** above its first line (or run',
        '**Selectivity Lens: Start Run** from the Command Palette). The quick config trains a small CNN on the',
        'MNIST digits shipped with the extension and needs no download.',
        '',
        'Watch the live class-selectivity histograms in the **Selectivity** activity bar view and open the full',
        'panel from there. Runs are written to `runs/`.',
        '',
        ...configs.map((name) => `- [${name}](${name})`),
        '',
      ].join('\n'),
    );
  }
}

function byQuickFirst(a, b) {
  const rank = (name) => (name.includes('quick') ? 0 : 1);
  return rank(a) - rank(b) || a.localeCompare(b);
}

/** Quiet, offline-friendly defaults, merged under whatever the user already set. */
function writeUserSettings() {
  const userDir = join(dataDir, 'user-data', 'User');
  mkdirSync(userDir, { recursive: true });
  const file = join(userDir, 'settings.json');
  const current = existsSync(file) ? (parseJsonc(readFileSync(file, 'utf8')) ?? {}) : {};
  const defaults = {
    'workbench.startupEditor': 'readme',
    'workbench.tips.enabled': false,
    'workbench.enableExperiments': false,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'chat.commandCenter.enabled': false,
    // The example workspace lives inside this repository; don't offer to open it.
    'git.openRepositoryInParentFolders': 'never',
  };
  writeFileSync(file, JSON.stringify({ ...defaults, ...current }, null, 2) + '\n');
}

async function waitUntilServing(url, child) {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) fail(`code-server exited (code ${child.exitCode}) before it served ${url}`);
    try {
      const response = await fetch(new URL('healthz', url));
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((done) => setTimeout(done, 250));
  }
  fail(`code-server did not answer on ${url} within 120 s`);
}

async function main() {
  if (!options.skipBuild) step('building', 'npm', ['run', 'build']);
  const packaged = packageVsix();
  const done = /DONE\s+(Packaged: .*)/.exec(packaged);
  if (done) console.log(`start: ${done[1]}`);
  if (!existsSync(codeServer)) step('installing code-server (first start only)', 'bash', ['scripts/install-code-server.sh']);

  const extensionsDir = join(dataDir, 'extensions');
  const userDataDir = join(dataDir, 'user-data');
  const dirs = ['--extensions-dir', extensionsDir, '--user-data-dir', userDataDir];
  mkdirSync(extensionsDir, { recursive: true });
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  step('installing the VSIX into code-server', codeServer, ['--install-extension', vsix, '--force', ...dirs], { quiet: true });
  prepareWorkspace();
  writeUserSettings();

  const port = options.port || (await freePort());
  const configFile = join(dataDir, 'config.yaml');
  writeFileSync(configFile, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  const child = spawn(
    codeServer,
    [
      '--config', configFile,
      '--bind-addr', `127.0.0.1:${port}`,
      '--auth', 'none',
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-getting-started-override',
      '--ignore-last-opened',
      ...dirs,
      workspace,
    ],
    { cwd: workspace, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  // code-server's own log goes to stderr so stdout carries only our lines.
  child.stdout.pipe(process.stderr);
  child.stderr.pipe(process.stderr);
  const stop = () => child.kill('SIGTERM');
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));

  const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`;
  await waitUntilServing(`http://127.0.0.1:${port}/`, child);
  console.log(`Selectivity Lens is running in VS Code at ${url}`);
  console.log('Open that URL in a browser; press Ctrl-C here to stop.');
}

main().catch((error) => fail(error instanceof Error ? error.message : String(error)));
