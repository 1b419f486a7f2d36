import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { Agent, buildConnector, type Dispatcher } from 'undici';

/** Addresses a public crawler must never reach: loopback, private ranges, link-local, … */
export function isPrivateAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  return parsed.range() !== 'unicast';
}

function blocked(address: string): Error {
  return Object.assign(new Error(`refused to connect to private address ${address}`), { code: 'EBLOCKED' });
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** dns.lookup that refuses private answers: the check happens on the address actually connected to. */
function guardedLookup(hostname: string, options: object, callback: LookupCallback): void {
  dnsLookup(hostname, { ...options }, (err, address, family) => {
    if (err) return callback(err, address as string, family);
    const addresses = Array.isArray(address) ? address.map((a) => a.address) : [address];
    const bad = addresses.find(isPrivateAddress);
    if (bad) return callback(blocked(bad), '', 0);
    callback(null, address as string, family);
  });
}

export interface DispatcherOptions {
  /** Let the crawler reach loopback and private addresses (tests, `check --allow-private`). */
  allowPrivate: boolean;
  /** Demo mode: routes a host name to a local address and port (the demo universe). */
  hostMap?: (hostname: string) => { host: string; port: number } | undefined;
  connectTimeoutMs?: number;
  headersTimeoutMs?: number;
  bodyTimeoutMs?: number;
  connections?: number;
}

export function createDispatcher(options: DispatcherOptions): Dispatcher {
  const connectTimeout = options.connectTimeoutMs ?? 5_000;
  const guarded = buildConnector({ timeout: connectTimeout, lookup: options.allowPrivate ? undefined : guardedLookup } as buildConnector.BuildOptions);
  const direct = buildConnector({ timeout: connectTimeout });
  return new Agent({
    headersTimeout: options.headersTimeoutMs ?? 10_000,
    bodyTimeout: options.bodyTimeoutMs ?? 10_000,
    connections: options.connections ?? 4,
    keepAliveTimeout: 4_000,
    connect(opts, callback) {
      const mapped = options.hostMap?.(opts.hostname);
      if (mapped) return direct({ ...opts, hostname: mapped.host, port: String(mapped.port) }, callback);
      // An IP literal skips DNS, so the lookup guard never sees it: check it here.
      if (!options.allowPrivate && isIP(opts.hostname.replace(/^\[|\]$/g, '')) && isPrivateAddress(opts.hostname.replace(/^\[|\]$/g, ''))) {
        return callback(blocked(opts.hostname), null);
      }
      return guarded(opts, callback);
    },
  });
}

/** The demo universe's host names: reserved `.test` names routed to the local universe server. */
export const DEMO_HOST_SUFFIX = '.demarches.test';

export function demoHostMap(port: number, host = '127.0.0.1') {
  return (hostname: string) => (hostname === DEMO_HOST_SUFFIX.slice(1) || hostname.endsWith(DEMO_HOST_SUFFIX) ? { host, port } : undefined);
}
