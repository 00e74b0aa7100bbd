import { firstInput, joinSummary, lastDim, ONE_INPUT } from './common.js';
import { spatialInput } from './conv.js';
import { defineLayer } from './types.js';

/** keras.layers.Rescaling: input · scale + offset. */
export const Rescaling = defineLayer({
  id: 'Rescaling',
  category: 'Preprocessing',
  label: 'Rescaling',
  description: 'Computes input · scale + offset, e.g. scale 1/255 maps pixels from [0, 255] to [0, 1].',
  params: {
    scale: { kind: 'float', default: 1 / 255, doc: 'Factor every input value is multiplied by.' },
    offset: { kind: 'float', default: 0, doc: 'Value added after scaling.' },
  },
  inputs: ONE_INPUT,
  outputs: 1,
  inferShape: (_p, ctx) => firstInput(ctx),
  tfjs: (p) => ({ factory: 'rescaling', args: { scale: p.scale, offset: p.offset } }),
  summary: (p) => joinSummary(`×${Number((p.scale as number).toPrecision(4))}`, p.offset !== 0 && `+${String(p.offset)}`),
});

/** keras.layers.Resizing: resizes images to height × width. */
export const Resizing = defineLayer({
  id: 'Resizing',
  category: 'Preprocessing',
  label: 'Resizing',
  description: 'Resizes images to height × width.',
  params: {
    height: { kind: 'int', default: 32, min: 1, doc: 'Output height in pixels.' },
    width: { kind: 'int', default: 32, min: 1, doc: 'Output width in pixels.' },
    interpolation: { kind: 'choice', default: 'bilinear', choices: ['bilinear', 'nearest'], doc: "How new pixels are computed: 'bilinear' blends neighbours, 'nearest' copies the closest." },
  },
  inputs: ONE_INPUT,
  outputs: 1,
  inferShape: (p, ctx) => {
    const s = spatialInput(ctx, 2);
    lastDim(s, 'the channels axis');
    return [null, p.height as number, p.width as number, s[3]!];
  },
  // tf.layers.resizing computes a wrong symbolic output shape when the batch axis is present (it reads
  // the channels from axis 2), so the palette uses the equivalent custom layer in graph/tfjs.
  tfjs: (p) => ({ factory: 'custom:ImageResizing', args: { height: p.height, width: p.width, interpolation: p.interpolation } }),
  summary: (p) => joinSummary(`${String(p.height)}×${String(p.width)}`, p.interpolation !== 'bilinear' && String(p.interpolation)),
});
