// The API load of `npm run bench`, in a process of its own (the bench process holds a large heap
// whose GC pauses would land in the measured latencies): autocannon goes round a list of paths
// and counts the edition cache's hits from the x-cache header. Prints one JSON object.
// usage: node --import tsx scripts/bench-load.ts <base> <paths.json> <connections> <seconds> [rate]
import { readFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import autocannon from 'autocannon';

const [base, pathsFile, connections, seconds, rate] = process.argv.slice(2);
const paths = JSON.parse(readFileSync(pathsFile!, 'utf8')) as string[];
const cache = { hit: 0, miss: 0, none: 0 };
const statuses = new Map<number, number>();

const result = await autocannon({
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
});

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
  }),
);
