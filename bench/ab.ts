/**
 * `npm run bench:ab`: the paced Slack DM turn (`npm run bench`'s "paced" column) of two Zorgpads side by
 * side, in alternating blocks, so that both see the same machine. On a shared machine the speed changes
 * from minute to minute (runs a few minutes apart differed by a quarter), and two separate bench runs
 * compare the minutes more than the code. Here both processes run at once, each on its own SQLite store
 * against the same fake Slack; the load goes to one at a time, a few seconds each, in turns (the order
 * swapped every round), and each block's p50 and p99 are kept.
 *
 * A is this tree; B is `BENCH_AB_REF` (a git ref, checked out into a temporary worktree; default
 * `HEAD`) or `BENCH_AB_DIR` (a tree with its dependencies). `BENCH_AB_ENV_A` / `BENCH_AB_ENV_B`: extra
 * settings for one side (`NAME=value,NAME=value`), to compare two settings of the same code.
 * `BENCH_AB_ROUNDS` (default 10) and `BENCH_AB_SECONDS` (default 5) size the run; `BENCH_LATENCY_RATE` the
 * rate (40/s).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import { BenchFakes } from './fakes.js';
import { pacedLoop, type LoadRequest } from './open-connections.js';
import { drain, load, pct, slackDm, startServer, stopServer, work, zorgpadEnv, type Server } from './run.js';
import { writeBenchSchool } from './school.js';

const ROUNDS = Number(process.env.BENCH_AB_ROUNDS ?? 10);
const SECONDS = Number(process.env.BENCH_AB_SECONDS ?? 5);
const RATE = Number(process.env.BENCH_LATENCY_RATE ?? 40);

function settings(spec: string | undefined): Record<string, string> {
  if (!spec) return {};
  return Object.fromEntries(
    spec.split(',').map((pair) => {
      // At the first '=': a value may hold one itself (NODE_OPTIONS=--max-old-space-size=256).
      const at = pair.indexOf('=');
      if (at < 1) throw new Error(`bench:ab: "${pair}" is not NAME=value`);
      return [pair.slice(0, at), pair.slice(at + 1)];
    }),
  );
}

/** The other tree: a directory given, or a temporary worktree of a ref sharing this tree's node_modules. */
function otherTree(): { dir: string; label: string; remove: () => void } {
  if (process.env.BENCH_AB_DIR) return { dir: resolve(process.env.BENCH_AB_DIR), label: process.env.BENCH_AB_DIR, remove: () => undefined };
  const ref = process.env.BENCH_AB_REF ?? 'HEAD';
  const dir = mkdtempSync(join(tmpdir(), 'zorgpad-ab-'));
  const git = (...args: string[]) => {
    const result = spawnSync('git', args, { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr}`);
  };
  git('worktree', 'add', '--detach', dir, ref);
  if (!existsSync(join(dir, 'node_modules'))) symlinkSync(resolve('node_modules'), join(dir, 'node_modules'));
  return { dir, label: ref, remove: () => git('worktree', 'remove', '--force', dir) };
}

interface Side {
  label: string;
  server: Server;
  blocks: Array<{ p50: number; p99: number }>;
  samples: number[];
}

async function main(): Promise<void> {
  const fakes = await new BenchFakes().start();
  const school = writeBenchSchool(work, 2000, 5000);
  const other = otherTree();
  const sides: Side[] = [];
  try {
    for (const [label, dir, extra] of [
      ['A (this tree)', undefined, settings(process.env.BENCH_AB_ENV_A)],
      [`B (${other.label})`, other.dir, settings(process.env.BENCH_AB_ENV_B)],
    ] as const) {
      const store = { kind: 'sqlite' as const, dir: join(work, `data-${randomUUID().slice(0, 6)}`) };
      const server = await startServer(label, 'src/main.ts', { ...zorgpadEnv(fakes, school, store), ...extra }, '/healthz', [], dir);
      sides.push({ label, server, blocks: [], samples: [] });
    }
    const dm = slackDm(fakes, 'help');
    // Warm-up, as each row of `npm run bench`: a short load at 16 connections (JIT, connections, caches).
    for (const side of sides) {
      await load(side.server.base, dm, { connections: 16, duration: 2 });
      await drain(fakes);
    }
    for (let round = 0; round < ROUNDS; round++) {
      for (const side of round % 2 === 0 ? sides : [...sides].reverse()) {
        fakes.reset();
        await pacedLoop(side.server.base, () => dm({}) as LoadRequest, RATE, SECONDS);
        await drain(fakes);
        side.blocks.push({ p50: pct(fakes.samples, 50), p99: pct(fakes.samples, 99) });
        side.samples.push(...fakes.samples);
      }
      process.stdout.write(`round ${round + 1}: ${sides.map((s) => `${s.label} p50 ${s.blocks.at(-1)!.p50.toFixed(2)} p99 ${s.blocks.at(-1)!.p99.toFixed(2)}`).join(' | ')}\n`);
    }
    const [a, b] = sides as [Side, Side];
    const median = (values: number[]) => pct(values, 50);
    const wins = (key: 'p50' | 'p99') => a.blocks.filter((block, i) => block[key] < b.blocks[i]![key]).length;
    process.stdout.write(`\n${ROUNDS} rounds of ${SECONDS} s at ${RATE}/s per side; turn latency in ms (request sent to reply at the fake Slack)\n`);
    process.stdout.write('| side | all p50 | all p99 | median block p50 | median block p99 |\n|---|---:|---:|---:|---:|\n');
    for (const side of sides) {
      process.stdout.write(`| ${side.label} | ${pct(side.samples, 50).toFixed(2)} | ${pct(side.samples, 99).toFixed(2)} | ${median(side.blocks.map((x) => x.p50)).toFixed(2)} | ${median(side.blocks.map((x) => x.p99)).toFixed(2)} |\n`);
    }
    process.stdout.write(`A faster than B in ${wins('p50')} of ${ROUNDS} rounds at p50, ${wins('p99')} of ${ROUNDS} at p99\n`);
  } finally {
    for (const side of sides) await stopServer(side.server);
    await fakes.stop();
    other.remove();
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:ab failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
