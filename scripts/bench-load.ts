// The API load of `npm run bench`, in a process of its own (the bench process holds a large heap
// whose GC pauses would land in the measured latencies): autocannon goes round a list of paths
// and counts the edition cache's hits from the x-cache header. Prints one JSON object, with
// autocannon's latency percentiles (whole milliseconds) and `exact` ones, read from every
// response's own time (to the microsecond: a fast route's p99 is a few milliseconds).
// usage: node --import tsx scripts/bench-load.ts <base> <paths.json> <connections> <seconds> [rate]
import { readFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import autocannon from 'autocannon';

const [base, pathsFile, connections, seconds, rate] = process.argv.slice(2);
const paths = JSON.parse(readFileSync(pathsFile!, 'utf8')) as string[];
const cache = { hit: 0, miss: 0, none: 0 };
const statuses = new Map<number, number>();

/** Every response's time, ms. */
const times: number[] = [];
const result = await new Promise<autocannon.Result>((resolve, reject) => {
  const instance = autocannon(
    {
      url: base!,
      connections: Number(connections),
      duration: Number(seconds),
      ...(rate ? { overallRate: Number(rate) } : {}),
      // Compressed, as browsers and most clients ask for it.
      headers: { 'accept-encoding': 'br, gzip' },
      requests: paths.map((path) => ({
        method: 'GET' as const,
        path,
        onResponse: (status: number, _body: string, _context: object, headers: IncomingHttpHeaders | undefined) => {
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
          const state = headers?.['x-cache'];
          if (state === 'hit') cache.hit++;
          else if (state === 'miss') cache.miss++;
          else cache.none++;
        },
      })),
    },
    (err, done) => (err ? reject(err) : resolve(done)),
  );
  instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTime: number) => times.push(responseTime));
});
times.sort((a, b) => a - b);
const percentile = (p: number) => Math.round(100 * (times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))] ?? 0)) / 100;

console.log(
  JSON.stringify({
    requests: result.requests.average,
    total: result.requests.total,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    statuses: Object.fromEntries(statuses),
    cache,
    exact: { p50: percentile(50), p90: percentile(90), p99: percentile(99), max: percentile(100), count: times.length },
  }),
);
