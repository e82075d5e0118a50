// CPU per request of a running server and of its PostgreSQL cluster, under autocannon (20 connections).
// Complements the floor harness's load.mjs (the acceptance team's bare-Fastify floor and load generator,
// kept outside this repository; README "Scale and cost"), which prices only the node process: this adds
// every process of the PostgreSQL cluster (the postmaster and its children), so named statements and
// round trips show on the database's side too. autocannon is taken from the perf harness's install.
//
//   PERF_DIR=/tmp/p/perf node bench/intake-cpu.mjs <url> <token> <server pid> <postmaster pid> <seconds> [body file]
//   (a POST of the body when given, "{{seq}}" in it replaced by 1; 2 s warm-up first)
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const perf = process.env.PERF_DIR;
if (!perf) throw new Error('PERF_DIR: the folder of an installed copy of the floor harness (its autocannon is used)');
const autocannon = createRequire(path.join(path.resolve(perf), 'package.json'))('autocannon');
const [url, token, spid, pmpid, secs, bodyFile] = process.argv.slice(2);
const TICK = 100; // USER_HZ
const cpuOf = (pid) => {
  try {
    const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(f[11]) + Number(f[12])) / TICK;
  } catch {
    return 0;
  }
};
const children = (ppid) =>
  fs.readdirSync('/proc').filter((d) => {
    if (!/^\d+$/.test(d)) return false;
    try {
      return fs.readFileSync(`/proc/${d}/stat`, 'utf8').split(') ')[1].split(' ')[1] === ppid;
    } catch {
      return false;
    }
  });
const cluster = () => new Map([pmpid, ...children(pmpid)].map((p) => [p, cpuOf(p)]));
const delta = (a, b) => [...b].reduce((s, [p, c]) => s + c - (a.get(p) ?? 0), 0);

const opts = { url, connections: 20, duration: Number(secs), headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } };
if (bodyFile) {
  opts.method = 'POST';
  opts.body = fs.readFileSync(bodyFile, 'utf8').replaceAll('{{seq}}', '1');
}
await autocannon({ ...opts, duration: 2 });
const s0 = cpuOf(spid);
const p0 = cluster();
const r = await autocannon(opts);
const s1 = cpuOf(spid);
const p1 = cluster();
const n = r.requests.total;
const load = fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
console.log(
  `${(n / Number(secs)).toFixed(1)} req/s  p50 ${r.latency.p50} ms  p99 ${r.latency.p99} ms  non2xx ${r.non2xx} errors ${r.errors}  ` +
    `node ${Math.round(((s1 - s0) / n) * 1e6)} us/req  postgres ${Math.round((delta(p0, p1) / n) * 1e6)} us/req  load ${load}`,
);
