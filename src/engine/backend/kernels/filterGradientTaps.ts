// Walks images and kernel taps for the wasm SIMD filter-gradient kernel (filterGradient.wat), which knows
// nothing about padding or strides: for each tap this works out which output pixels see a real input pixel
// (a rectangle of rows and columns) and hands the kernel byte pointers to the first of them. Two paths: tiles
// straight over x and dy image by image (few channels, e.g. ResNet-20), or packed panels (many channels, e.g.
// the deep layers of ResNet-18/50). Runs on the main thread and in the helper workers alike, each over its own
// range of images.

/** Shapes of one Conv2DBackpropFilter call (NHWC, no dilation). */
export interface FilterGradientGeometry {
  batch: number;
  inHeight: number;
  inWidth: number;
  inChannels: number;
  outHeight: number;
  outWidth: number;
  outChannels: number;
  filterHeight: number;
  filterWidth: number;
  strideHeight: number;
  strideWidth: number;
  padTop: number;
  padLeft: number;
}

/** One thread's share of a filter-gradient call: images [firstImage, endImage) added into out. */
export interface FilterGradientJob {
  geometry: FilterGradientGeometry;
  /** x [b, h, w, ci] and dy [b, oh, ow, co] (NHWC float32, whole batch) and dW [fh, fw, ci, co]: byte offsets. */
  xPtr: number;
  dyPtr: number;
  outPtr: number;
  firstImage: number;
  endImage: number;
  /** The thread's own scratch (packed panels): scratchFloats(geometry, images) floats. */
  scratchPtr: number;
}

/** The exported functions of filterGradient.wat (all pointers and steps in bytes). */
export interface FilterGradientExports {
  accumulateTap(
    xp0: number, dp0: number, outp: number, inChannels: number, outChannels: number,
    images: number, rows: number, cols: number,
    xImage: number, xRow: number, xCol: number, dyImage: number, dyRow: number,
  ): void;
  packOutputGradient(dy: number, pixels: number, outChannels: number, panel: number): void;
  packInputTap(
    xFirst: number, images: number, outHeight: number, outWidth: number, inChannels: number,
    y0: number, y1: number, x0: number, x1: number,
    xImage: number, xRow: number, xCol: number, panel: number, pixels: number,
  ): void;
  panelProducts(xPanels: number, dyPanels: number, outp: number, pixels: number, inChannels: number, outChannels: number): void;
}

/**
 * Work per image (input x output channels x output pixels) from which the packed path wins. Measured with 2
 * threads: ResNet-20's layers (at most 2^18) run faster as direct tiles (e.g. 7.2 vs 9.6 ms for 16 channels at
 * 32x32, batch 128); from 2^21 up packed panels win by 1.2-1.9x (64 -> 128 channels at 16x16; 512 channels at
 * 8x8; 64 channels at 64x64).
 */
const PACKED_MIN_WORK_PER_IMAGE = 2 ** 20;

/** Whether these shapes take the packed path (which needs input channels in fours, output channels in eights). */
export function usesPackedPath(g: FilterGradientGeometry): boolean {
  return (
    g.inChannels % 4 === 0 &&
    g.outChannels % 8 === 0 &&
    g.inChannels * g.outChannels * g.outHeight * g.outWidth >= PACKED_MIN_WORK_PER_IMAGE
  );
}

/** Output pixels per packed chunk: panels of 4 and 8 channels over them (32 KB and 64 KB) stay in L2. */
const PACKED_CHUNK_PIXELS = 2048;

function imagesPerChunk(g: FilterGradientGeometry): number {
  return Math.max(1, Math.floor(PACKED_CHUNK_PIXELS / (g.outHeight * g.outWidth)));
}

/** Scratch floats one thread needs for `images` images (packed path: one chunk's dy and x panels; else none). */
export function scratchFloats(g: FilterGradientGeometry, images: number): number {
  if (!usesPackedPath(g)) return 0;
  return Math.min(images, imagesPerChunk(g)) * g.outHeight * g.outWidth * (g.inChannels + g.outChannels);
}

/** The output positions [first, end) whose input position first*stride + tap - pad lies inside [0, size). */
function validRange(tap: number, pad: number, stride: number, size: number, outSize: number): [number, number] {
  const lowest = pad - tap; // input index 0 is reached from this output index times stride
  const first = lowest <= 0 ? 0 : Math.ceil(lowest / stride);
  const highest = size - 1 + pad - tap;
  const end = highest < 0 ? 0 : Math.min(outSize, Math.floor(highest / stride) + 1);
  return [first, end];
}

/** A kernel tap that reaches real input pixels: output rows [y0, y1) x columns [x0, x1) see them. */
interface Tap {
  /** ky * filterWidth + kx: the tap's slice of dW. */
  index: number;
  y0: number;
  y1: number;
  x0: number;
  x1: number;
  /** Input row and column under the tap for output pixel (y0, x0). */
  iy: number;
  ix: number;
}

/** The taps of the filter that reach any real input pixel (the others only see padding: zero gradient). */
function taps(g: FilterGradientGeometry): Tap[] {
  const found: Tap[] = [];
  for (let ky = 0; ky < g.filterHeight; ky++) {
    const [y0, y1] = validRange(ky, g.padTop, g.strideHeight, g.inHeight, g.outHeight);
    if (y0 >= y1) continue;
    for (let kx = 0; kx < g.filterWidth; kx++) {
      const [x0, x1] = validRange(kx, g.padLeft, g.strideWidth, g.inWidth, g.outWidth);
      if (x0 >= x1) continue;
      const iy = y0 * g.strideHeight + ky - g.padTop;
      const ix = x0 * g.strideWidth + kx - g.padLeft;
      found.push({ index: ky * g.filterWidth + kx, y0, y1, x0, x1, iy, ix });
    }
  }
  return found;
}

/**
 * Images per kernel call: enough output pixels that the register tiles run long loops, few enough that the
 * group's input and output gradient stay in a core's L2 cache while every tile streams them.
 */
export function imagesPerGroup(g: FilterGradientGeometry): number {
  const pixels = g.outHeight * g.outWidth;
  const bytes = 4 * (g.inHeight * g.inWidth * g.inChannels + pixels * g.outChannels);
  return Math.max(1, Math.min(Math.ceil(256 / pixels), Math.floor((512 * 1024) / bytes)));
}

/** Adds the job's images' filter gradient into its out. */
export function accumulateFilterGradient(kernel: FilterGradientExports, job: FilterGradientJob): void {
  if (job.endImage <= job.firstImage) return;
  if (!usesPackedPath(job.geometry)) {
    accumulateTiles(kernel, job);
    return;
  }
  const chunk = imagesPerChunk(job.geometry);
  for (let b = job.firstImage; b < job.endImage; b += chunk) {
    accumulatePacked(kernel, { ...job, firstImage: b, endImage: Math.min(job.endImage, b + chunk) });
  }
}

function accumulatePacked(kernel: FilterGradientExports, job: FilterGradientJob): void {
  const { geometry: g, xPtr, dyPtr, outPtr, firstImage, endImage, scratchPtr } = job;
  const { inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW, outChannels: CO } = g;
  const images = endImage - firstImage;
  const pixels = images * OH * OW;
  const dyPanels = scratchPtr;
  const xPanels = scratchPtr + 4 * pixels * CO;
  kernel.packOutputGradient(dyPtr + 4 * firstImage * OH * OW * CO, pixels, CO, dyPanels);
  for (const t of taps(g)) {
    kernel.packInputTap(
      xPtr + 4 * (((firstImage * H + t.iy) * W + t.ix) * C),
      images, OH, OW, C, t.y0, t.y1, t.x0, t.x1,
      4 * H * W * C, 4 * g.strideHeight * W * C, 4 * g.strideWidth * C,
      xPanels, pixels,
    );
    kernel.panelProducts(xPanels, dyPanels, outPtr + 4 * t.index * C * CO, pixels, C, CO);
  }
}

function accumulateTiles(kernel: FilterGradientExports, job: FilterGradientJob): void {
  const { geometry: g, xPtr, dyPtr, outPtr, firstImage, endImage } = job;
  const { inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW, outChannels: CO } = g;
  const xImage = 4 * H * W * C;
  const dyImage = 4 * OH * OW * CO;
  const xRow = 4 * g.strideHeight * W * C;
  const xCol = 4 * g.strideWidth * C;
  const dyRow = 4 * OW * CO;
  const group = imagesPerGroup(g);
  for (let b = firstImage; b < endImage; b += group) {
    const images = Math.min(group, endImage - b);
    for (const t of taps(g)) {
      kernel.accumulateTap(
        xPtr + 4 * (((b * H + t.iy) * W + t.ix) * C),
        dyPtr + 4 * (((b * OH + t.y0) * OW + t.x0) * CO),
        outPtr + 4 * t.index * C * CO,
        C, CO, images, t.y1 - t.y0, t.x1 - t.x0,
        xImage, xRow, xCol, dyImage, dyRow,
      );
    }
  }
}

/** Geometry fields in a fixed order, for passing a job through shared memory to a helper worker. */
export const GEOMETRY_FIELDS: ReadonlyArray<keyof FilterGradientGeometry> = [
  'batch', 'inHeight', 'inWidth', 'inChannels', 'outHeight', 'outWidth', 'outChannels',
  'filterHeight', 'filterWidth', 'strideHeight', 'strideWidth', 'padTop', 'padLeft',
];
