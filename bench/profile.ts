import { readFileSync } from 'node:fs';

interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number } }>;
  samples: number[];
  timeDeltas: number[];
}

/** Where a sample's time goes: a package, one of our source files, Node itself, or the garbage collector. */
function place(frame: { functionName: string; url: string }): string {
  if (!frame.url) return frame.functionName === '(garbage collector)' ? 'garbage collection' : `native: ${frame.functionName || '(anonymous)'}`;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(frame.url);
  if (pkg) return `package ${pkg[1]}`;
  if (frame.url.includes('/src/')) return `src/${frame.url.split('/src/')[1]}`;
  if (frame.url.startsWith('node:')) return `node ${frame.url.slice(5).replace(/^internal\//, '')}`;
  return frame.url;
}

/**
 * The largest items of a V8 CPU profile by self time, as shares of the time the process was busy
 * (idle left out): by place (package, source file, Node, GC) and by function.
 */
export function summarizeProfile(file: string, top = 12): { busyMs: number; places: Array<[string, number]>; functions: Array<[string, number]> } {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const byPlace = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let busy = 0;
  profile.samples.forEach((id, i) => {
    const node = nodes.get(id);
    const dt = profile.timeDeltas[i] ?? 0;
    if (!node || node.callFrame.functionName === '(idle)' || node.callFrame.functionName === '(program)') return;
    busy += dt;
    const where = place(node.callFrame);
    byPlace.set(where, (byPlace.get(where) ?? 0) + dt);
    const fn = `${node.callFrame.functionName || '(anonymous)'} (${where})`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + dt);
  });
  const shares = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, v]): [string, number] => [k, v / busy]);
  return { busyMs: busy / 1000, places: shares(byPlace), functions: shares(byFunction) };
}
