// The former load generator (fetch), kept to compare with bench/load.mjs: BENCH_LOAD=fetch npm run bench.
//   node bench/load-fetch.mjs <spec-json>
// spec: { url, method, body?, urls?, headers?, seconds, connections }. Prints JSON { requests, seconds, rps, p50, p99, errors }.
const spec = JSON.parse(process.argv[2]);
const deadline = Date.now() + spec.seconds * 1000;
const latencies = [];
let errors = 0;
let i = 0;
async function worker() {
  while (Date.now() < deadline) {
    const url = spec.urls ? spec.urls[i++ % spec.urls.length] : spec.url;
    const t0 = performance.now();
    try {
      const res = await fetch(url, {
        method: spec.method,
        headers: { ...spec.headers, ...(spec.body ? { 'content-type': 'application/json' } : {}) },
        body: spec.body ? JSON.stringify({ ...spec.body, title: `item ${i++}` }) : undefined,
      });
      await res.arrayBuffer();
      if (res.status >= 400) errors += 1;
    } catch { errors += 1; }
    latencies.push(performance.now() - t0);
  }
}
const start = performance.now();
await Promise.all(Array.from({ length: spec.connections }, worker));
const seconds = (performance.now() - start) / 1000;
latencies.sort((a, b) => a - b);
const q = (p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0;
const used = process.cpuUsage();
const result = {
  requests: latencies.length, seconds, rps: latencies.length / seconds, p50: q(0.5), p99: q(0.99), errors,
  cpu: (used.user + used.system) / 1e6 / seconds,
};
process.stdout.write(JSON.stringify(result));
