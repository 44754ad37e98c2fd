// initBackend: the ladder, named backends that are missing, and native packages found in extra folders.
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { backendInfo, initBackend } from '../../../../src/engine/backend';
import { NATIVE_DIR_ENV, loadNativeBinding, nativeSearchDirs } from '../../../../src/engine/backend/native';
import { EngineError } from '../../../../src/engine/errors';

/** A folder with node_modules/@tensorflow/<name>/index.js whose loading fails like a broken libtensorflow. */
function brokenNativePackage(name: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sl-native-'));
  const pkg = path.join(dir, 'node_modules', '@tensorflow', name);
  fs.mkdirSync(pkg, { recursive: true });
  fs.writeFileSync(path.join(pkg, 'package.json'), JSON.stringify({ name: `@tensorflow/${name}`, main: 'index.js' }));
  fs.writeFileSync(path.join(pkg, 'index.js'), "throw new Error('libtensorflow.so.2: cannot open shared object file');\n");
  return dir;
}

describe('initBackend', () => {
  it('auto falls down the ladder to wasm here and says why the native rungs failed', async () => {
    const r = await initBackend('auto');
    assert.equal(r.name, 'wasm');
    assert.equal(tf.getBackend(), 'wasm');
    assert.equal(r.threads, 1);
    assert.match(r.tried.join('\n'), /tfjs-node-gpu: .*not installed/);
    assert.match(r.tried.join('\n'), /tfjs-node: .*not installed/);
    assert.equal(backendInfo()?.name, 'wasm');
  });

  it('a named backend that is missing is a BACKEND_UNAVAILABLE EngineError naming the backend field', async () => {
    await assert.rejects(initBackend('tfjs-node'), (e: unknown) => {
      assert.ok(e instanceof EngineError);
      assert.equal(e.code, 'BACKEND_UNAVAILABLE');
      assert.equal(e.details.field, 'backend');
      assert.match(e.message, /Backend "tfjs-node" is not available: .*not installed/);
      return true;
    });
    assert.equal(tf.getBackend(), 'wasm', 'a failed request leaves the working backend in place');
  });

  it('finds native packages in extra folders and reports why they would not load', async () => {
    const dir = brokenNativePackage('tfjs-node');
    try {
      await assert.rejects(initBackend('tfjs-node', { nativeModuleDirs: [dir] }), /failed to load: libtensorflow\.so\.2/);
      const previous = process.env[NATIVE_DIR_ENV];
      process.env[NATIVE_DIR_ENV] = dir;
      try {
        assert.deepEqual(nativeSearchDirs(['/elsewhere']), ['/elsewhere', dir]);
        assert.throws(() => loadNativeBinding('@tensorflow/tfjs-node', nativeSearchDirs()), /failed to load/);
      } finally {
        if (previous === undefined) delete process.env[NATIVE_DIR_ENV];
        else process.env[NATIVE_DIR_ENV] = previous;
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('cpu can be chosen by name and gradients work on it', async () => {
    const r = await initBackend('cpu');
    assert.equal(r.name, 'cpu');
    const g = tf.grad((x: tf.Tensor) => tf.sum(tf.square(x)))(tf.tensor1d([1, 2]));
    assert.deepEqual(Array.from(g.dataSync()), [2, 4]);
    await initBackend('wasm');
  });
});
