import type * as tfjs from '@tensorflow/tfjs';
import type { Tf } from './index.js';

// tfjs 4.22's AdadeltaOptimizer scales each step by sqrt(E[dx²] + ε) / sqrt(E[g²] + ε) using E[g²] from
// *before* this step's gradient is added. Both running averages start at zero and then grow identically,
// so the ratio is exactly 1 forever and "adadelta" trains bit for bit like plain SGD at the same learning
// rate. Keras (keras/src/optimizers/adadelta.py) and TF's ApplyAdadelta kernel update E[g²] first:
//   E[g²]  ← ρ E[g²] + (1-ρ) g²
//   Δx     = sqrt(E[dx²] + ε) / sqrt(E[g²] + ε) · g
//   E[dx²] ← ρ E[dx²] + (1-ρ) Δx²
//   x      ← x - lr · Δx
// This subclass applies that rule and keeps tfjs' slot variables, names and config, so getWeights,
// setWeights, dispose and serialization behave as before. It is registered under tfjs' own class name
// 'Adadelta', so a model saved with its optimizer deserializes to the corrected one.

type Slot = { originalName: string; variable: tfjs.Variable };
type AdadeltaInternals = { accumulatedGrads: Slot[]; accumulatedUpdates: Slot[]; learningRate: number; rho: number; epsilon: number; incrementIterations(): void };

const classes = new WeakMap<object, new (learningRate: number, rho: number, epsilon?: number) => tfjs.Optimizer>();

function adadeltaClass(tf: Tf): new (learningRate: number, rho: number, epsilon?: number) => tfjs.Optimizer {
  const known = classes.get(tf);
  if (known) return known;
  class KerasAdadelta extends tf.AdadeltaOptimizer {
    override applyGradients(variableGradients: Parameters<tfjs.Optimizer['applyGradients']>[0]): void {
      const self = this as unknown as AdadeltaInternals;
      const names = Array.isArray(variableGradients) ? variableGradients.map((g) => g.name) : Object.keys(variableGradients);
      names.forEach((name, i) => {
        const value = tf.engine().registeredVariables[name]!;
        self.accumulatedGrads[i] ??= { originalName: `${name}/accum_grad`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
        self.accumulatedUpdates[i] ??= { originalName: `${name}/accum_var`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
        const gradient = Array.isArray(variableGradients) ? variableGradients[i]!.tensor : variableGradients[name];
        if (gradient == null) return;
        const accGrad = self.accumulatedGrads[i]!.variable;
        const accUpdate = self.accumulatedUpdates[i]!.variable;
        const { rho, epsilon, learningRate } = self;
        tf.tidy(() => {
          const newAccGrad = tf.add(tf.mul(accGrad, rho), tf.mul(tf.square(gradient), 1 - rho));
          const update = tf.mul(tf.div(tf.sqrt(tf.add(accUpdate, epsilon)), tf.sqrt(tf.add(newAccGrad, epsilon))), gradient);
          accGrad.assign(newAccGrad);
          accUpdate.assign(tf.add(tf.mul(accUpdate, rho), tf.mul(tf.square(update), 1 - rho)));
          value.assign(tf.sub(value, tf.mul(update, learningRate)));
        });
      });
      self.incrementIterations();
    }
  }
  tf.serialization.registerClass(KerasAdadelta as unknown as tfjs.serialization.SerializableConstructor<tfjs.Optimizer>);
  classes.set(tf, KerasAdadelta);
  return KerasAdadelta;
}

/** Adadelta with the Keras/TensorFlow update rule (tfjs 4.22's own reduces to SGD); Keras defaults rho 0.95, epsilon 1e-7. */
export function adadelta(tf: Tf, learningRate: number, rho = 0.95, epsilon = 1e-7): tfjs.Optimizer {
  const Cls = adadeltaClass(tf);
  return new Cls(learningRate, rho, epsilon);
}
