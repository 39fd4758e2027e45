// Node-only image output; re-exported from @gantry/core/node, never from the browser entry.
export { tileImages, detectRange, type GridOptions, type ImageBatch, type PixelRange, type RgbaRaster } from './grid.js';
export { scatterRaster, type ScatterOptions } from './scatter.js';
export { writeImageGrid, writeScatterPng, encodePng, decodePng } from './png.node.js';
