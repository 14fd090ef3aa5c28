// Load generator, run as a separate process so it shares nothing with the servers it measures:
//   node bench/load.mjs <spec-json>
// spec: { url, method, body?, urls?, headers?, seconds, connections }. Prints JSON
// { requests, seconds, rps, p50, p99, errors, cpu } where cpu is the share of one core this process used: well under
// 1 means the generator was waiting for the server, not the other way round.
// autocannon (HTTP/1.1 keep-alive, pre-encoded requests) is used rather than fetch, which spends more time per
// request than the servers do and so set the pace itself.
import autocannon from 'autocannon';

const spec = JSON.parse(process.argv[2]);
const target = new URL(spec.url ?? spec.urls[0]);
let n = 0;
const requests = spec.urls
  ? spec.urls.map((u) => { const url = new URL(u); return { method: spec.method, path: url.pathname + url.search }; })
  : [{
      method: spec.method,
      path: target.pathname + target.search,
      // A distinct body per request, as real clients send (the title changes; a body without a title is sent as is).
      ...(spec.body ? {
        setupRequest: (req) => ({ ...req, body: JSON.stringify('title' in spec.body ? { ...spec.body, title: `item ${n++}` } : spec.body) }),
      } : {}),
    }];
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const instance = autocannon({
  url: target.origin,
  connections: spec.connections,
  duration: spec.seconds,
  headers: { ...spec.headers, ...(spec.body ? { 'content-type': 'application/json' } : {}) },
  requests,
});
// autocannon's histogram keeps whole milliseconds; list latencies are a few ms, so keep the exact times here.
const latencies = [];
instance.on('response', (_client, _status, _bytes, time) => { latencies.push(time); });
const result = await instance;
latencies.sort((a, b) => a - b);
const q = (p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0;
const wall = (performance.now() - t0) * 1000;
const used = process.cpuUsage(cpu0);
const total = result.requests.total;
process.stdout.write(JSON.stringify({
  requests: total,
  seconds: result.duration,
  rps: total / result.duration,
  p50: q(0.5),
  p99: q(0.99),
  errors: result.errors + result.non2xx,
  cpu: (used.user + used.system) / wall,
}));
