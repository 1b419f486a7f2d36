import { inject } from 'vitest';
import { Crawler } from '../../jobs/crawler.ts';

/** A crawler on the run's shared demo universe and Chromium (see test/setup/chromium.ts). */
export function demoCrawler(options: { browser?: boolean } = {}): Crawler {
  return new Crawler({
    contactUrl: 'http://127.0.0.1/methodologie#robot',
    demoPort: inject('universePort'),
    browserWsEndpoint: options.browser === false ? undefined : inject('chromiumWsEndpoint'),
    perHostDelayMs: 5,
    timeoutMs: 3_000,
    globalConcurrency: 32,
  });
}

/** A date inside the shared universe's quarter. */
export function sharedQuarterDate(): Date {
  const [year, q] = inject('universeQuarter').split('-T').map(Number) as [number, number];
  return new Date(Date.UTC(year, (q - 1) * 3 + 1, 15, 12));
}
