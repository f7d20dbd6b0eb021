// Reading and replacing values at dotted paths (`followers.organicFollowerCount`) in Ayrshare's analytics objects,
// without changing the object the answer came in (it is stored as raw_data).

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The value at `path`, or undefined when a step is missing or not an object. Only own properties are followed. */
export function getPath(object: Record<string, unknown>, path: string): unknown {
  let current: unknown = object;
  for (const key of path.split('.')) {
    if (!isRecord(current) || !Object.hasOwn(current, key)) return undefined;
    current = current[key];
  }
  return current;
}

/** True when `path` leads to a property (its value may be null). */
export function hasPath(object: Record<string, unknown>, path: string): boolean {
  const keys = path.split('.');
  const parent = keys.length === 1 ? object : getPath(object, keys.slice(0, -1).join('.'));
  return isRecord(parent) && Object.hasOwn(parent, keys[keys.length - 1]);
}

/**
 * A copy of `object` with the value at `path` replaced (or removed when `value` is undefined). Objects along the path
 * are copied; everything else is shared.
 */
export function withPath(object: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const [key, ...rest] = path.split('.');
  const copy = { ...object };
  if (rest.length === 0) {
    if (value === undefined) delete copy[key];
    else copy[key] = value;
    return copy;
  }
  const child = copy[key];
  if (!isRecord(child)) return copy;
  copy[key] = withPath(child, rest.join('.'), value);
  return copy;
}
