// Running work in the middle of a gradient computation without recording it on that gradient's tape.
// pix2pix's step updates D between G's forward and G's backward (the authors' order, with one G forward),
// and tfjs keeps no graph past a gradient call, so that D update has to run inside G's gradient function.
// There tfjs records everything it does for a higher-order gradient of G's loss that nobody takes: D's
// backward pass and a clone of every tensor its ops save: at 16 px 353 more kernel calls a step, more than
// the 95 of the second G forward the nesting removes (examples/translation/reference/step-profile.ts).
// tfjs has no call that pauses the tape, so this sets its engine's state aside (the typed, public
// EngineState fields gradientDepth and activeTape) and puts it back.
import * as tf from '@tensorflow/tfjs-core';

/**
 * Runs f as if no gradient were being recorded: a gradient f computes (tf.variableGrads) gets a tape of its
 * own, and nothing f does lands on the enclosing one. f's results are constants to the enclosing gradient,
 * as torch's detach() would make them; that is only right where they are constants of its loss (here: D's
 * update, whose new weights G's loss reads as constants).
 */
export function offTape<T>(f: () => T): T {
  const state = tf.engine().state;
  const [depth, tape] = [state.gradientDepth, state.activeTape];
  state.gradientDepth = 0;
  try {
    return f();
  } finally {
    state.gradientDepth = depth;
    state.activeTape = tape;
  }
}
