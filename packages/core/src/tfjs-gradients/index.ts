// Gradients that replace tfjs's own, registered on import (so importing @gantry/core is enough):
// - second-order.ts: tfjs 4.22's gradients that give wrong or missing second derivatives (gradient
//   penalties, R1) made exact;
// - fused-ops.ts: fused dense and activation-gradient kernels (@gantry/kernels) used where the backend
//   registers them, with gradients that stay differentiable;
// - lean.ts: the same numbers as tfjs's gradients with fewer kernel calls;
// - conv-grads.ts: Conv2D's gradient with dilations, and one for direct FusedConv2D kernel calls;
// - mirror-pad.ts: MirrorPad's gradient, which tfjs 4.22 gets wrong at the mirrored borders.
// They register disjoint kernels, so their order does not matter.
export * from './second-order.js';
export * from './fused-ops.js';
export * from './lean.js';
export * from './conv-grads.js';
export * from './mirror-pad.js';
