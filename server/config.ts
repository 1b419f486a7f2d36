import Type, { type Static } from 'typebox';
import Value from 'typebox/value';
import ipaddr from 'ipaddr.js';

/** An instance that has not said who publishes it reads as a demonstration; `.invalid` never delivers mail. */
export const DEFAULT_SITE = {
  publisher: 'Observatoire de la qualité des démarches en ligne — instance de démonstration',
  contactEmail: 'contact@observatoire.invalid',
};

const ConfigSchema = Type.Object({
  OBSERVATOIRE_DB: Type.String({ minLength: 1, default: 'data/observatoire.sqlite' }),
  /** PostgreSQL instead of the SQLite file (db/engine.ts reads the same variable to choose the engine's tables). */
  OBSERVATOIRE_DATABASE_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://.+', description: 'a postgres:// URL' })),
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3000 }),
  HOST: Type.String({ minLength: 1, default: '127.0.0.1' }),
  /** auto: demo mode when the catalogue is empty or is the demo one. */
  OBSERVATOIRE_DEMO: Type.Union([Type.Literal('auto'), Type.Literal('on'), Type.Literal('off')], { default: 'auto' }),
  /** The dashboard's public address: the crawler's user agent points to its methodology page. */
  OBSERVATOIRE_PUBLIC_URL: Type.String({ minLength: 1, default: 'http://127.0.0.1:3000' }),
  /** Who publishes this observatory: the legal notice names them. */
  OBSERVATOIRE_PUBLISHER: Type.String({ minLength: 1, default: DEFAULT_SITE.publisher }),
  /** Where visitors, ministry teams and site owners write (contact page, legal notice, personal data). */
  OBSERVATOIRE_CONTACT_EMAIL: Type.String({ minLength: 3, pattern: '^[^@\\s]+@[^@\\s]+$', default: DEFAULT_SITE.contactEmail }),
  /** The survey provider's stats endpoint (the demo universe plays it). */
  OBSERVATOIRE_SURVEY_URL: Type.String({ minLength: 1, default: 'http://jedonnemonavis.demarches.test/api/stats' }),
  /** Run the crawl schedule in `serve` (off: API and dashboard only). */
  OBSERVATOIRE_SCHEDULE: Type.Union([Type.Literal('on'), Type.Literal('off')], { default: 'on' }),
  /** API requests per minute per client (0: no limit). */
  OBSERVATOIRE_RATE_LIMIT: Type.Integer({ minimum: 0, default: 600 }),
  /** Addresses or ranges (comma-separated, CIDR) exempt from that limit: a monitoring probe, a load test. Login keeps its own limit. */
  OBSERVATOIRE_RATE_LIMIT_EXEMPT: Type.String({ default: '' }),
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
    { default: 'info' },
  ),
});

export type Config = Static<typeof ConfigSchema>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const BOOLEAN_WORDS: Record<string, 'on' | 'off'> = { '1': 'on', true: 'on', yes: 'on', '0': 'off', false: 'off', no: 'off' };

/** Reads the configuration once at boot; every problem is reported together, by variable name. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const input: Record<string, unknown> = {};
  for (const key of Object.keys(ConfigSchema.properties)) {
    const value = env[key];
    if (value !== undefined && value !== '') input[key] = value;
  }
  for (const key of ['OBSERVATOIRE_DEMO', 'OBSERVATOIRE_SCHEDULE']) {
    if (typeof input[key] === 'string') {
      const v = input[key].toLowerCase();
      input[key] = BOOLEAN_WORDS[v] ?? v;
    }
  }
  const config = Value.Convert(ConfigSchema, Value.Default(ConfigSchema, input));
  const errors = [...Value.Errors(ConfigSchema, config)].filter((e) => e.keyword !== 'anyOf');
  const lines = [...new Set(errors.map((e) => `${e.instancePath.slice(1)}: ${e.message} (got ${JSON.stringify(env[e.instancePath.slice(1)])})`))];
  const exempt = (config as Config).OBSERVATOIRE_RATE_LIMIT_EXEMPT;
  if (typeof exempt === 'string') {
    const bad = addressList(exempt).filter((a) => !parseRange(a));
    if (bad.length > 0) lines.push(`OBSERVATOIRE_RATE_LIMIT_EXEMPT: not an address or CIDR range: ${bad.join(', ')}`);
  }
  if (lines.length > 0) throw new ConfigError(`invalid configuration:\n  ${lines.join('\n  ')}`);
  return config as Config;
}

function addressList(text: string): string[] {
  return text.split(',').map((a) => a.trim()).filter(Boolean);
}

function parseRange(text: string): [ipaddr.IPv4 | ipaddr.IPv6, number] | undefined {
  try {
    if (text.includes('/')) return ipaddr.parseCIDR(text);
    const address = ipaddr.parse(text);
    return [address, address.kind() === 'ipv4' ? 32 : 128];
  } catch {
    return undefined;
  }
}

/** Whether a client address falls in a list of addresses and CIDR ranges (IPv4-mapped IPv6 read as IPv4). */
export function addressMatcher(list: string): (address: string) => boolean {
  const ranges = addressList(list).map(parseRange).filter((r) => r !== undefined);
  if (ranges.length === 0) return () => false;
  return (address) => {
    if (!ipaddr.isValid(address)) return false;
    let parsed = ipaddr.parse(address);
    if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
    return ranges.some(([range, bits]) => range.kind() === parsed.kind() && parsed.match(range, bits));
  };
}
