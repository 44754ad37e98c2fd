// Walks images and kernel taps for the wasm SIMD filter-gradient kernel (filterGradient.wat), which knows
// nothing about padding or strides: for each tap this works out which output pixels see a real input pixel
// (a rectangle of rows and columns) and hands the kernel byte pointers to the first of them. Runs on the main
// thread and in the helper workers alike, each over its own range of images.

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

/** The exported function of filterGradient.wat (all pointers and steps in bytes). */
export type AccumulateTap = (
  xp0: number, dp0: number, outp: number, inChannels: number, outChannels: number,
  images: number, rows: number, cols: number,
  xImage: number, xRow: number, xCol: number, dyImage: number, dyRow: number,
) => void;

/** The output positions [first, end) whose input position first*stride + tap - pad lies inside [0, size). */
function validRange(tap: number, pad: number, stride: number, size: number, outSize: number): [number, number] {
  const lowest = pad - tap; // input index 0 is reached from this output index times stride
  const first = lowest <= 0 ? 0 : Math.ceil(lowest / stride);
  const highest = size - 1 + pad - tap;
  const end = highest < 0 ? 0 : Math.min(outSize, Math.floor(highest / stride) + 1);
  return [first, end];
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

/**
 * Adds the filter gradient of images [firstImage, endImage) into out ([fh, fw, ci, co] float32 at outPtr),
 * reading x at xPtr and dy at dyPtr (NHWC float32, whole batch).
 */
export function accumulateFilterGradient(
  accumulateTap: AccumulateTap,
  g: FilterGradientGeometry,
  xPtr: number,
  dyPtr: number,
  outPtr: number,
  firstImage: number,
  endImage: number,
): void {
  const { inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW, outChannels: CO } = g;
  const xImage = 4 * H * W * C;
  const dyImage = 4 * OH * OW * CO;
  const xRow = 4 * g.strideHeight * W * C;
  const xCol = 4 * g.strideWidth * C;
  const dyRow = 4 * OW * CO;
  const group = imagesPerGroup(g);
  for (let b = firstImage; b < endImage; b += group) {
    const images = Math.min(group, endImage - b);
    for (let ky = 0; ky < g.filterHeight; ky++) {
      const [y0, y1] = validRange(ky, g.padTop, g.strideHeight, H, OH);
      if (y0 >= y1) continue;
      for (let kx = 0; kx < g.filterWidth; kx++) {
        const [x0, x1] = validRange(kx, g.padLeft, g.strideWidth, W, OW);
        if (x0 >= x1) continue;
        const iy = y0 * g.strideHeight + ky - g.padTop;
        const ix = x0 * g.strideWidth + kx - g.padLeft;
        accumulateTap(
          xPtr + 4 * (((b * H + iy) * W + ix) * C),
          dyPtr + 4 * (((b * OH + y0) * OW + x0) * CO),
          outPtr + 4 * ((ky * g.filterWidth + kx) * C * CO),
          C, CO, images, y1 - y0, x1 - x0,
          xImage, xRow, xCol, dyImage, dyRow,
        );
      }
    }
  }
}

/** Geometry fields in a fixed order, for passing a job through shared memory to a helper worker. */
export const GEOMETRY_FIELDS: ReadonlyArray<keyof FilterGradientGeometry> = [
  'batch', 'inHeight', 'inWidth', 'inChannels', 'outHeight', 'outWidth', 'outChannels',
  'filterHeight', 'filterWidth', 'strideHeight', 'strideWidth', 'padTop', 'padLeft',
];
