import { describe, expect, it } from 'vitest';
import { addressMatcher, ConfigError, loadConfig } from '../../server/config.ts';

describe('loadConfig', () => {
  it('uses the documented defaults', () => {
    expect(loadConfig({})).toEqual({
      OBSERVATOIRE_DB: 'data/observatoire.sqlite',
      PORT: 3000,
      HOST: '127.0.0.1',
      OBSERVATOIRE_DEMO: 'auto',
      OBSERVATOIRE_PUBLIC_URL: 'http://127.0.0.1:3000',
      OBSERVATOIRE_PUBLISHER: 'Observatoire de la qualité des démarches en ligne — instance de démonstration',
      OBSERVATOIRE_CONTACT_EMAIL: 'contact@observatoire.invalid',
      OBSERVATOIRE_SURVEY_URL: 'http://jedonnemonavis.demarches.test/api/stats',
      OBSERVATOIRE_SCHEDULE: 'on',
      OBSERVATOIRE_RATE_LIMIT: 600,
      OBSERVATOIRE_RATE_LIMIT_EXEMPT: '',
      LOG_LEVEL: 'info',
    });
  });

  it('reads numbers and the usual words for on and off', () => {
    expect(loadConfig({ PORT: '8080', OBSERVATOIRE_DEMO: '1' })).toMatchObject({ PORT: 8080, OBSERVATOIRE_DEMO: 'on' });
    expect(loadConfig({ OBSERVATOIRE_DEMO: 'false' })).toMatchObject({ OBSERVATOIRE_DEMO: 'off' });
    expect(loadConfig({ PORT: '' })).toMatchObject({ PORT: 3000 });
  });

  it('reports every bad variable at once, by name', () => {
    const load = () => loadConfig({ PORT: '70000', LOG_LEVEL: 'loud' });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/PORT: must be <= 65535 \(got "70000"\)/);
    expect(load).toThrow(/LOG_LEVEL: .*\(got "loud"\)/);
  });

  it('takes a PostgreSQL URL as the database, and refuses another kind of URL instead of reading it as a file name', () => {
    expect(loadConfig({ OBSERVATOIRE_DATABASE_URL: 'postgres://o@db.example/observatoire' }).OBSERVATOIRE_DATABASE_URL).toBe('postgres://o@db.example/observatoire');
    expect(loadConfig({}).OBSERVATOIRE_DATABASE_URL).toBeUndefined();
    expect(() => loadConfig({ OBSERVATOIRE_DATABASE_URL: 'mysql://o@db.example/observatoire' })).toThrow(/OBSERVATOIRE_DATABASE_URL: .*\(got "mysql:/);
  });

  it('reads the addresses exempt from the rate limit, and names the ones it cannot read', () => {
    expect(loadConfig({ OBSERVATOIRE_RATE_LIMIT_EXEMPT: '127.0.0.1, 10.0.0.0/8, ::1' })).toMatchObject({ OBSERVATOIRE_RATE_LIMIT_EXEMPT: '127.0.0.1, 10.0.0.0/8, ::1' });
    expect(() => loadConfig({ OBSERVATOIRE_RATE_LIMIT_EXEMPT: '10.0.0.0/8, supervision, 300.1.1.1' })).toThrow(/OBSERVATOIRE_RATE_LIMIT_EXEMPT: not an address or CIDR range: supervision, 300\.1\.1\.1/);
    const exempt = addressMatcher('127.0.0.1, 10.0.0.0/8, 2001:db8::/32');
    expect(['127.0.0.1', '10.200.3.4', '::ffff:10.1.2.3', '2001:db8::7'].map(exempt)).toEqual([true, true, true, true]);
    expect(['127.0.0.2', '11.0.0.1', '2001:db9::1', 'nonsense'].map(exempt)).toEqual([false, false, false, false]);
    expect(addressMatcher('')('127.0.0.1')).toBe(false);
  });
});
