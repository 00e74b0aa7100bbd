import { BACKENDS, OPTIMIZERS, type Graph, type TrainingSettings } from '../../graph/document.js';
import { useEditor } from '../store/editor-store.js';
import { editTraining } from './controller.js';
import { backendsText } from './run-controls.js';
import { useTraining } from './training-store.js';

function NumberField({ label, value, onChange, step, min, max, testId, title }: { label: string; value: number; onChange: (v: number) => void; step?: number; min?: number; max?: number; testId: string; title?: string }) {
  return (
    <label className="tl-field" title={title}>
      <span>{label}</span>
      <input
        type="number"
        data-testid={testId}
        defaultValue={value}
        key={value}
        step={step}
        min={min}
        max={max}
        onBlur={(e) => {
          const v = Number(e.target.value);
          if (e.target.value !== '' && Number.isFinite(v) && (min === undefined || v >= min) && (max === undefined || v <= max)) onChange(v);
          else e.target.value = String(value);
        }}
        onKeyDown={(e) => e.key === 'Enter' && (e.target as HTMLInputElement).blur()}
      />
    </label>
  );
}

/**
 * The values early stopping can monitor: the log names the graph's Output produces (tfjs names 'accuracy' 'acc'),
 * validation ones first when there is a validation split.
 */
function monitorChoices(graph: Graph): string[] {
  const outputs = graph.nodes.filter((n) => n.type === 'Output');
  const base = ['loss'];
  // With several Outputs tfjs prefixes each output's logs with its layer name; the total loss is always 'loss'.
  if (outputs.length === 1) for (const m of (outputs[0]!.params.metrics as string[] | undefined) ?? []) base.push(m === 'accuracy' ? 'acc' : m);
  return graph.training.validationSplit > 0 ? [...base.map((b) => `val_${b}`), ...base] : base;
}

/** Training settings: written to the graph's `training` section, so they are saved with the graph file. */
export function SettingsForm() {
  const t = useEditor((s) => s.graph.training);
  // Joined into a string so the form re-renders when the choices change, not on every edit of the graph (each drag move).
  const monitors = useEditor((s) => monitorChoices(s.graph).join('\n')).split('\n');
  const backends = useTraining((s) => s.backends);
  const set = (patch: Partial<TrainingSettings>) => editTraining(patch);
  const auto = backends?.find((b) => b.available);
  const es = t.earlyStopping;
  return (
    <div className="tl-settings" data-testid="training-settings">
      <label className="tl-field">
        <span>Optimizer</span>
        <select data-testid="setting-optimizer" value={t.optimizer} onChange={(e) => set({ optimizer: e.target.value as TrainingSettings['optimizer'] })}>
          {OPTIMIZERS.map((o) => (
            <option key={o}>{o}</option>
          ))}
        </select>
      </label>
      <NumberField label="Learning rate" testId="setting-lr" value={t.learningRate} step={0.0001} min={1e-8} onChange={(v) => set({ learningRate: v })} />
      {t.optimizer === 'sgd' && <NumberField label="Momentum" testId="setting-momentum" value={t.momentum} step={0.1} min={0} max={1} onChange={(v) => set({ momentum: v })} />}
      <NumberField label="Batch size" testId="setting-batch-size" value={t.batchSize} min={1} max={65536} onChange={(v) => set({ batchSize: Math.round(v) })} />
      <NumberField label="Epochs" testId="setting-epochs" value={t.epochs} min={1} max={100000} onChange={(v) => set({ epochs: Math.round(v) })} />
      <NumberField label="Validation split" testId="setting-validation" value={t.validationSplit} step={0.05} min={0} max={0.9} onChange={(v) => set({ validationSplit: v })} title="Share of the data held out to validate after each epoch" />
      <NumberField label="Seed" testId="setting-seed" value={t.seed} min={0} onChange={(v) => set({ seed: Math.round(v) })} title="Same seed, same run (on the cpu and wasm backends)" />
      <label className="tl-field check">
        <input type="checkbox" checked={t.shuffle} onChange={(e) => set({ shuffle: e.target.checked })} />
        <span>Shuffle each epoch</span>
      </label>
      <label className="tl-field" title={backendsText(backends)}>
        <span>Backend</span>
        <select data-testid="setting-backend" value={t.backend} onChange={(e) => set({ backend: e.target.value as TrainingSettings['backend'] })}>
          {BACKENDS.map((b) => {
            const info = backends?.find((x) => x.name === b);
            // Short option texts (the device names are long); the chosen backend's device is spelled out below.
            const text = b === 'auto' ? `auto${auto ? ` → ${auto.name}` : ''}` : `${b}${info && !info.available ? ' (unavailable)' : ''}`;
            return (
              <option key={b} value={b} disabled={info ? !info.available : false} title={info?.note ?? undefined}>
                {text}
              </option>
            );
          })}
        </select>
        <span className="tl-note" data-testid="setting-backend-device">
          {(() => {
            const pick = t.backend === 'auto' ? auto : backends?.find((b) => b.name === t.backend);
            return pick ? (pick.available ? pick.device : `unavailable${pick.note ? `: ${pick.note}` : ''}`) : '';
          })()}
        </span>
      </label>
      <fieldset className="tl-fieldset">
        <label className="tl-field check">
          <input type="checkbox" data-testid="setting-early-stopping" checked={es.enabled} onChange={(e) => set({ earlyStopping: { ...es, enabled: e.target.checked } })} />
          <span>Early stopping</span>
        </label>
        {es.enabled && (
          <>
            <label className="tl-field" title="The value early stopping watches, as the run logs it; val_ values are measured on the validation split">
              <span>Monitor</span>
              <select data-testid="setting-monitor" value={es.monitor} onChange={(e) => set({ earlyStopping: { ...es, monitor: e.target.value } })}>
                {monitors.map((m) => (
                  <option key={m} value={m}>
                    {m}
                  </option>
                ))}
                {!monitors.includes(es.monitor) && <option value={es.monitor}>{`${es.monitor} (not reported by this graph)`}</option>}
              </select>
            </label>
            <NumberField label="Patience (epochs)" testId="setting-patience" value={es.patience} min={0} onChange={(v) => set({ earlyStopping: { ...es, patience: Math.round(v) } })} />
            <NumberField label="Min delta" testId="setting-min-delta" value={es.minDelta} step={0.001} min={0} onChange={(v) => set({ earlyStopping: { ...es, minDelta: v } })} />
            <label className="tl-field check">
              <input type="checkbox" checked={es.restoreBestWeights} onChange={(e) => set({ earlyStopping: { ...es, restoreBestWeights: e.target.checked } })} />
              <span>Keep the best weights</span>
            </label>
          </>
        )}
      </fieldset>
    </div>
  );
}
