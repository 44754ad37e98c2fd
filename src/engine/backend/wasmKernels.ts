// Kernels the wasm backend lacks or runs slowly for CNN training:
//  - Conv2DBackpropFilter (missing in tfjs-backend-wasm 4.22): our wasm SIMD kernel (wasmFilterGradient.ts);
//    shapes it does not take (output channels not in fours) run as a convolution of the transposed input with
//    the transposed output gradient, dilated by the stride, on XNNPACK (about 3x slower).
//  - Conv2DBackpropInput (shipped one is a naive loop, ~10x slower than the forward conv): a forward conv of
//    the output gradient with the flipped filter; strides > 1 use the sub-pixel form (one conv producing
//    stride^2 phases, then one transpose interleaves them), so no zero-stuffed gradient is ever built.
//  - Identity and same-dtype Cast (copies on wasm; layers and gradients clone a lot): share memory instead.
//  - OneHot: the shipped kernel writes int32 bytes whatever the dtype (a float32 one-hot reads as 1.4e-45).
// They call the other wasm kernels directly (not through tf ops) so nothing lands on the gradient tape.
import * as tf from '@tensorflow/tfjs-core';
import { backend_util } from '@tensorflow/tfjs-core';
import type { KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { WasmFilterGradient } from './wasmFilterGradient';
import type { WasmBackendMemory } from './wasmSimdModule';

interface WasmBackendLike {
  disposeData(dataId: object, force?: boolean): boolean;
  makeOutput(shape: number[], dtype: tf.DataType, memoryOffset?: number, values?: Float32Array): TensorInfo;
  readSync(dataId: object): Float32Array | Int32Array | Uint8Array;
}

type Inputs = Record<string, TensorInfo>;

let registered = false;
let nativeBackpropInput: KernelFunc | undefined;
let simdFilterGradient: WasmFilterGradient | undefined;

function call(backend: WasmBackendLike, kernel: string, inputs: Inputs, attrs: NamedAttrMap = {}): TensorInfo {
  const config = tf.getKernel(kernel, 'wasm');
  if (config == null) throw new Error(`wasm kernel ${kernel} is not registered`);
  return config.kernelFunc({ inputs, attrs, backend: backend as unknown as tf.KernelBackend }) as TensorInfo;
}

function free(backend: WasmBackendLike, ...infos: TensorInfo[]): void {
  for (const info of infos) backend.disposeData(info.dataId);
}

type ExplicitPad = [[number, number], [number, number], [number, number], [number, number]];

function conv(backend: WasmBackendLike, x: TensorInfo, filter: TensorInfo, pad: ExplicitPad, dilations: [number, number]): TensorInfo {
  return call(backend, 'Conv2D', { x, filter }, {
    strides: [1, 1],
    pad: pad as unknown as string,
    dataFormat: 'NHWC',
    dilations,
    dimRoundingMode: undefined as unknown as string,
  });
}

function convInfoOf(xShape: number[], filterShape: number[], attrs: NamedAttrMap): backend_util.Conv2DInfo {
  const dataFormat = backend_util.convertConv2DDataFormat((attrs.dataFormat as 'NHWC' | 'NCHW') ?? 'NHWC');
  return backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides as [number, number],
    1,
    attrs.pad as 'same' | 'valid' | number | backend_util.ExplicitPadding,
    attrs.dimRoundingMode as 'floor' | 'round' | 'ceil' | undefined,
    false,
    dataFormat,
  );
}

/** dW[kh,kw,ci,co] = sum over b,y,x of x_pad[b, y*s+kh, x*s+kw, ci] * dy[b,y,x,co]. */
const conv2dBackpropFilter: KernelFunc = ({ inputs, backend: b, attrs = {} }) => {
  const backend = b as unknown as WasmBackendLike;
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  if (((attrs.dataFormat as string) ?? 'NHWC') !== 'NHWC') throw new Error('wasm Conv2DBackpropFilter supports NHWC only');
  const filterShape = attrs.filterShape as [number, number, number, number];
  const info = convInfoOf(x.shape, filterShape, attrs);
  const geometry = {
    batch: info.batchSize,
    inHeight: info.inHeight,
    inWidth: info.inWidth,
    inChannels: info.inChannels,
    outHeight: info.outHeight,
    outWidth: info.outWidth,
    outChannels: info.outChannels,
    filterHeight: info.filterHeight,
    filterWidth: info.filterWidth,
    strideHeight: info.strideHeight,
    strideWidth: info.strideWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
  };
  const simd = simdFilterGradient;
  if (simd && x.dtype === 'float32' && dy.dtype === 'float32' && info.dilationHeight === 1 && info.dilationWidth === 1 && simd.supports(geometry)) {
    return simd.compute(b as unknown as WasmBackendMemory, x, dy, geometry);
  }
  const { top, bottom, left, right } = info.padInfo;
  // Channels become the batch and the batch becomes the channels; dy becomes the (dilated) filter.
  const xT = call(backend, 'Transpose', { x }, { perm: [3, 1, 2, 0] }); // [ci, H, W, B]
  const dyT = call(backend, 'Transpose', { x: dy }, { perm: [1, 2, 0, 3] }); // [oh, ow, B, co]
  const raw = conv(
    backend,
    xT,
    dyT,
    [[0, 0], [top, bottom], [left, right], [0, 0]],
    [info.strideHeight, info.strideWidth],
  ); // [ci, >=kh, >=kw, co]
  free(backend, xT, dyT);
  let cropped = raw;
  if (raw.shape[1] !== filterShape[0] || raw.shape[2] !== filterShape[1]) {
    // Rows the forward conv never reached (floor rounding of the output size) would give kh + rem taps.
    cropped = call(backend, 'Slice', { x: raw }, { begin: [0, 0, 0, 0], size: [-1, filterShape[0], filterShape[1], -1] });
    free(backend, raw);
  }
  const out = call(backend, 'Transpose', { x: cropped }, { perm: [1, 2, 0, 3] });
  free(backend, cropped);
  return out;
};

/**
 * dx = transposed convolution of dy with W. Writing y + padTop = q*s + r, dx[y] = sum_j dy[q-j] W[r + s*j],
 * which is one ordinary conv of dy with a J x J filter whose s*s output-channel blocks are the phases r.
 */
const conv2dBackpropInput: KernelFunc = (args) => {
  const { inputs, backend: b, attrs = {} } = args;
  const backend = b as unknown as WasmBackendLike;
  const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
  const inputShape = attrs.inputShape as [number, number, number, number];
  const dataFormat = (attrs.dataFormat as string) ?? 'NHWC';
  const info = convInfoOf(inputShape, filter.shape, attrs);
  const s = info.strideHeight;
  const [kh, kw, ci, co] = filter.shape;
  const [, H, W] = inputShape;
  const { top, left } = info.padInfo;
  const J = Math.ceil(Math.max(kh, kw) / s);
  const q0 = Math.floor(top / s);
  const p0 = Math.floor(left / s);
  const Qh = Math.floor((top + H - 1) / s) - q0 + 1;
  const Qw = Math.floor((left + W - 1) / s) - p0 + 1;
  const padTop = J - 1 - q0;
  const padLeft = J - 1 - p0;
  const padBottom = Qh + J - 1 - info.outHeight - padTop;
  const padRight = Qw + J - 1 - info.outWidth - padLeft;
  const unusual =
    dataFormat !== 'NHWC' || info.strideWidth !== s || info.dilationHeight !== 1 || info.dilationWidth !== 1 ||
    Math.min(padTop, padLeft, padBottom, padRight) < 0;
  if (unusual) return nativeBackpropInput!(args);

  // Build the phase filter F[ty, tx, o, (ry*s + rx)*ci + c] = W[ry + s*(J-1-ty), rx + s*(J-1-tx), c, o].
  const w = backend.readSync(filter.dataId) as Float32Array;
  const phases = s * s;
  const f = new Float32Array(J * J * co * phases * ci);
  for (let ty = 0; ty < J; ty++) {
    for (let tx = 0; tx < J; tx++) {
      for (let ry = 0; ry < s; ry++) {
        const ky = ry + s * (J - 1 - ty);
        if (ky >= kh) continue;
        for (let rx = 0; rx < s; rx++) {
          const kx = rx + s * (J - 1 - tx);
          if (kx >= kw) continue;
          const phase = ry * s + rx;
          // A (c, o) transpose, in 32 x 32 tiles so that reads and writes stay in cache (512-channel filters
          // took tens of milliseconds element by element).
          for (let c0 = 0; c0 < ci; c0 += 32) {
            for (let o0 = 0; o0 < co; o0 += 32) {
              for (let c = c0; c < Math.min(c0 + 32, ci); c++) {
                const src = ((ky * kw + kx) * ci + c) * co;
                const dstBase = (ty * J + tx) * co * phases * ci + phase * ci + c;
                for (let o = o0; o < Math.min(o0 + 32, co); o++) f[dstBase + o * phases * ci] = w[src + o];
              }
            }
          }
        }
      }
    }
  }
  const phaseFilter = backend.makeOutput([J, J, co, phases * ci], 'float32', undefined, f);
  const phased = conv(backend, dy, phaseFilter, [[0, 0], [padTop, padBottom], [padLeft, padRight], [0, 0]], [1, 1]);
  free(backend, phaseFilter);
  const spatial = s > 1 ? interleavePhases(backend, phased, s, ci) : phased;
  const offY = top - q0 * s;
  const offX = left - p0 * s;
  if (offY === 0 && offX === 0 && spatial.shape[1] === H && spatial.shape[2] === W) return spatial;
  const out = call(backend, 'Slice', { x: spatial }, { begin: [0, offY, offX, 0], size: [-1, H, W, -1] });
  free(backend, spatial);
  return out;
};

/**
 * [B, Q, P, s*s*ci] phases -> [B, Q*s, P*s, ci]: what DepthToSpace does, but wasm's DepthToSpace walks
 * element by element (~4x slower than the conv feeding it); one rank-4 transpose does the same.
 */
function interleavePhases(backend: WasmBackendLike, phased: TensorInfo, s: number, ci: number): TensorInfo {
  const [B, Q, P] = phased.shape;
  // [(b,qy), qx, ry, (rx,c)] -> [(b,qy), ry, qx, (rx,c)] is [b, qy*s+ry, qx*s+rx, c] in memory order.
  const grouped = call(backend, 'Reshape', { x: phased }, { shape: [B * Q, P, s, s * ci] });
  free(backend, phased);
  const swapped = call(backend, 'Transpose', { x: grouped }, { perm: [0, 2, 1, 3] });
  free(backend, grouped);
  const out = call(backend, 'Reshape', { x: swapped }, { shape: [B, Q * s, P * s, ci] });
  free(backend, swapped);
  return out;
}

/** Identity and same-dtype Cast share the input's memory (tensors are immutable), as the cpu backend does. */
function sharingKernel(fallback: KernelFunc | undefined): KernelFunc {
  return ({ inputs, backend: b, attrs }) => {
    const x = (inputs as { x: TensorInfo }).x;
    const dtype = (attrs?.dtype as tf.DataType | undefined) ?? x.dtype;
    if (dtype !== x.dtype || x.dtype === 'string') {
      if (!fallback) throw new Error(`cannot cast ${x.dtype} to ${dtype}`);
      return fallback({ inputs, backend: b, attrs });
    }
    (b as unknown as { incRef(dataId: object): void }).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
}

function replaceKernel(name: string, make: (shipped: KernelFunc | undefined) => KernelFunc): void {
  const shipped = tf.getKernel(name, 'wasm');
  if (shipped != null) tf.unregisterKernel(name, 'wasm');
  tf.registerKernel({ kernelName: name, backendName: 'wasm', kernelFunc: make(shipped?.kernelFunc) });
}

/** OneHot in int32 (what the wasm kernel really writes), then converted and scaled to the asked dtype. */
function fixedOneHot(shipped: KernelFunc | undefined): KernelFunc {
  return (args) => {
    const attrs = args.attrs ?? {};
    const dtype = (attrs.dtype as tf.DataType | undefined) ?? 'int32';
    const onValue = (attrs.onValue as number | undefined) ?? 1;
    const offValue = (attrs.offValue as number | undefined) ?? 0;
    if (!shipped) throw new Error('wasm OneHot kernel missing');
    if (dtype === 'int32' && Number.isInteger(onValue) && Number.isInteger(offValue)) return shipped(args);
    const backend = args.backend as unknown as WasmBackendLike;
    const bits = shipped({ ...args, attrs: { ...attrs, dtype: 'int32', onValue: 1, offValue: 0 } }) as TensorInfo;
    let out = call(backend, 'Cast', { x: bits }, { dtype: 'float32' });
    free(backend, bits);
    if (onValue !== 1 || offValue !== 0) {
      // on * hot + off * (1 - hot): exact at both values, unlike off + (on - off) * hot.
      const scalar = (v: number) => backend.makeOutput([], 'float32', undefined, Float32Array.of(v));
      const [on, off, one] = [scalar(onValue), scalar(offValue), scalar(1)];
      const cold = call(backend, 'Sub', { a: one, b: out });
      const hotPart = call(backend, 'Multiply', { a: out, b: on });
      const coldPart = call(backend, 'Multiply', { a: cold, b: off });
      const both = call(backend, 'Add', { a: hotPart, b: coldPart });
      free(backend, out, cold, hotPart, coldPart, on, off, one);
      out = both;
    }
    if (dtype === 'float32') return out;
    const cast = call(backend, 'Cast', { x: out }, { dtype });
    free(backend, out);
    return cast;
  };
}

/** Registers the training kernels into the wasm backend; call after tf.setBackend('wasm'). Idempotent. */
export function registerWasmTrainingKernels(): void {
  if (registered) return;
  registered = true;
  simdFilterGradient = WasmFilterGradient.create(tf.backend() as unknown as WasmBackendMemory);
  if (tf.getKernel('Conv2DBackpropFilter', 'wasm') == null) {
    tf.registerKernel({ kernelName: 'Conv2DBackpropFilter', backendName: 'wasm', kernelFunc: conv2dBackpropFilter });
  }
  replaceKernel('Conv2DBackpropInput', (shipped) => {
    nativeBackpropInput = shipped;
    return conv2dBackpropInput;
  });
  replaceKernel('Identity', sharingKernel);
  replaceKernel('Cast', sharingKernel);
  replaceKernel('OneHot', fixedOneHot);
}

/** Threads the wasm SIMD filter-gradient kernel runs on now, or undefined when it is not in use (XNNPACK path only). */
export function simdFilterGradientThreads(): number | undefined {
  return simdFilterGradient?.threads;
}
