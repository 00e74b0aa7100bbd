import { BACKENDS, OPTIMIZERS, type TrainingSettings } from '../../graph/document.js';
import { useEditor } from '../store/editor-store.js';
import { editTraining } from './controller.js';
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

/** Training settings: written to the graph's `training` section, so they are saved with the graph file. */
export function SettingsForm() {
  const t = useEditor((s) => s.graph.training);
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
      <label className="tl-field">
        <span>Backend</span>
        <select data-testid="setting-backend" value={t.backend} onChange={(e) => set({ backend: e.target.value as TrainingSettings['backend'] })}>
          {BACKENDS.map((b) => {
            const info = backends?.find((x) => x.name === b);
            const text = b === 'auto' ? `auto${auto ? ` (${auto.name} · ${auto.device})` : ''}` : `${b}${info ? (info.available ? ` · ${info.device}` : ' · unavailable') : ''}`;
            return (
              <option key={b} value={b} disabled={info ? !info.available : false} title={info?.note ?? undefined}>
                {text}
              </option>
            );
          })}
        </select>
      </label>
      <fieldset className="tl-fieldset">
        <label className="tl-field check">
          <input type="checkbox" data-testid="setting-early-stopping" checked={es.enabled} onChange={(e) => set({ earlyStopping: { ...es, enabled: e.target.checked } })} />
          <span>Early stopping</span>
        </label>
        {es.enabled && (
          <>
            <label className="tl-field">
              <span>Monitor</span>
              <input defaultValue={es.monitor} key={es.monitor} onBlur={(e) => e.target.value && set({ earlyStopping: { ...es, monitor: e.target.value } })} />
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
