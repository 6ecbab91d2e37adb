'use client';
// Small building blocks every page shares: loading and error states, a data loader, form fields.
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { describeError } from '../lib/problem';
import { useSession } from '../lib/session';

export function Loading() {
  const { t } = useSession();
  return (
    <p className="loading" role="status" aria-live="polite">
      {t('loading')}
    </p>
  );
}

export function ErrorMessage({ error }: { error: unknown }) {
  const { t } = useSession();
  if (error === undefined || error === null) return null;
  return (
    <p className="error" role="alert">
      {describeError(error, t)}
    </p>
  );
}

/** Runs `load` now and whenever `deps` change; keeps the last data while reloading. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]) {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<unknown>();
  const [loading, setLoading] = useState(true);
  const run = useCallback(load, deps);
  const reload = useCallback(async () => {
    setLoading(true);
    try {
      setData(await run());
      setError(undefined);
    } catch (err) {
      setError(err);
    } finally {
      setLoading(false);
    }
  }, [run]);
  useEffect(() => {
    void reload();
  }, [reload]);
  return { data, error, loading, reload };
}

/** A form's submit with its own pending flag and error. */
export function useAction() {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>();
  const run = useCallback(async (action: () => Promise<void>) => {
    setPending(true);
    setError(undefined);
    try {
      await action();
    } catch (err) {
      setError(err);
    } finally {
      setPending(false);
    }
  }, []);
  return { pending, error, setError, run };
}

export function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <label className="field">
      <span>{label}</span>
      {children}
    </label>
  );
}

export function Progress({ percent, label }: { percent: number; label: string }) {
  const clamped = Math.max(0, Math.min(100, percent));
  return (
    <div
      className={`bar${percent > 100 ? ' over' : ''}`}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={clamped}
    >
      <div style={{ width: `${clamped}%` }} />
    </div>
  );
}
