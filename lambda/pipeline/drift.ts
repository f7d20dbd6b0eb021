// Metric drift: a field that was present for several snapshots in a row and now disappears, turns null or changes
// type, or a field that was never there and now appears. The run stores what it can; the alert says so once.
import type { DriftChange, DriftEvent } from '../core/model';
import { columnOf, isPlatform } from '../metrics/platforms';

/** How many snapshots in a row a field must have been present (with one type) before its change counts as drift. */
export const DRIFT_WINDOW = 3;

/** A numeric string counts as a number: YouTube sends counts as strings, and that is not a change of meaning. */
export function valueType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) return 'number';
  return typeof value;
}

function describeField(platform: string, field: string): string {
  const column = isPlatform(platform) ? columnOf(platform, field) : undefined;
  return column ? `${field} (stored as ${column})` : `${field} (kept in raw_data only)`;
}

/**
 * Compares today's analytics object with the last snapshots' (newest first). Needs DRIFT_WINDOW snapshots of history:
 * before that, every field is new and nothing is established.
 */
export function detectDrift(
  profile: string,
  platform: string,
  current: Record<string, unknown>,
  history: Array<Record<string, unknown>>,
): DriftEvent[] {
  if (history.length < DRIFT_WINDOW) return [];
  const window = history.slice(0, DRIFT_WINDOW);
  const events: DriftEvent[] = [];
  const seen = new Set(window.flatMap((h) => Object.keys(h)));
  const since = `the last ${DRIFT_WINDOW} snapshots`;
  for (const field of [...seen].sort()) {
    const types = window.map((h) => (field in h ? valueType(h[field]) : 'absent'));
    const established = types[0];
    if (established === 'absent' || established === 'null' || types.some((t) => t !== established)) continue;
    const event = (change: DriftChange, detail: string) => events.push({ profile, platform, field, change, detail });
    if (!(field in current)) event('disappeared', `${describeField(platform, field)} was in ${since} and is gone`);
    else if (current[field] === null)
      event('turned_null', `${describeField(platform, field)} was a ${established} in ${since} and is now null`);
    else if (valueType(current[field]) !== established) {
      event(
        'changed_type',
        `${describeField(platform, field)} was a ${established} in ${since} ` +
          `and is now a ${valueType(current[field])} (${JSON.stringify(current[field])})`,
      );
    }
  }
  for (const field of Object.keys(current).sort()) {
    if (seen.has(field) || current[field] === null) continue;
    events.push({
      profile,
      platform,
      field,
      change: 'appeared',
      detail: `${describeField(platform, field)} is new: a ${valueType(current[field])} none of ${since} had`,
    });
  }
  return events;
}
