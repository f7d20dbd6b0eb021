// Stands in for the `glob` package in the function's bundle (lib/constructs/tracker-function.ts aliases it here).
// node-pg-migrate imports glob at the top but calls it only with `useGlob`, which the tracker never sets: the
// migrations are read from one folder with readdir. Leaving glob out keeps about 60 KB (glob, minimatch, path-scurry,
// lru-cache, minipass) out of every cold start. Should a future node-pg-migrate call it anyway, this says so.
export function glob(): never {
  throw new Error('glob is not part of the function bundle: read the migrations without useGlob.');
}
