// `npm run build:native` and scripts/bootstrap: the engine's own addon build (also its npm install script),
// which recompiles only what changed. Flags and environment (--force, LIBTORCH, JOBS) pass through.
await import('../packages/tfjs-backend-torch/scripts/build-addon.mjs');
