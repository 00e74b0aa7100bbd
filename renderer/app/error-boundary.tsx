import { Component, type ReactNode } from 'react';
import { editorStore, isDirty } from '../store/editor-store.js';
import * as cmd from './commands.js';

type Kept = 'none' | 'saving' | 'kept' | 'failed';

/** Keeps a rendering bug from blanking the window: says what happened and whether the unsaved work is safe. */
export class ErrorBoundary extends Component<{ children: ReactNode }, { error: Error | null; kept: Kept }> {
  override state = { error: null as Error | null, kept: 'none' as Kept };
  static getDerivedStateFromError(error: Error) {
    return { error, kept: isDirty(editorStore.getState()) ? ('saving' as const) : ('none' as const) };
  }
  override componentDidCatch(): void {
    // Say only what is true: copy the unsaved work now (autosave runs every few seconds and may not have yet).
    if (this.state.kept === 'saving') void cmd.autosave().then((ok) => this.setState({ kept: ok ? 'kept' : 'failed' }));
  }
  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <div className="start-screen">
        <div className="start-inner">
          <h1>Something went wrong</h1>
          <p className="start-warning">{this.state.error.message}</p>
          <p data-testid="crash-advice">
            {this.state.kept === 'kept'
              ? 'Your unsaved changes were kept as a recovery copy: reload the window and restore them from the start screen.'
              : this.state.kept === 'failed'
                ? 'Your unsaved changes could not be copied for recovery: try again, and save them (Ctrl+S) before reloading.'
                : this.state.kept === 'saving'
                  ? 'Keeping a recovery copy of your unsaved changes…'
                  : 'There were no unsaved changes; reloading the window loses nothing.'}{' '}
            Please report this as a bug.
          </p>
          <button className="button" onClick={() => this.setState({ error: null })}>Try again</button>
        </div>
      </div>
    );
  }
}
