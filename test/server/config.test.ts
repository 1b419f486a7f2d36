import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config.ts';

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
});
