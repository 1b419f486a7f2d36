import type { Db } from '../db/client.ts';
import { Crawler } from '../jobs/crawler.ts';
import { Universe } from './universe/server.ts';
import type { Config } from './config.ts';
import { isDemoCatalogue } from './services/catalogue.ts';

/** Demo mode: on by configuration, or (auto) when the catalogue is the demo one. */
export async function demoMode(config: Config, db?: Db): Promise<boolean> {
  if (config.OBSERVATOIRE_DEMO !== 'auto') return config.OBSERVATOIRE_DEMO === 'on';
  return db ? await isDemoCatalogue(db) : false;
}

export function contactUrl(config: Config): string {
  return `${config.OBSERVATOIRE_PUBLIC_URL.replace(/\/+$/, '')}/methodologie#robot`;
}

export interface CrawlingEnvironment {
  universe?: Universe;
  newCrawler: (options?: { allowPrivate?: boolean }) => Crawler;
  close: () => Promise<void>;
}

/**
 * What the crawl commands and the scheduler need: crawlers, and in demo mode the demo universe
 * started in this process, its host names routed to it.
 */
export async function openCrawling(config: Config, demo: boolean): Promise<CrawlingEnvironment> {
  const universe = demo ? await Universe.start() : undefined;
  return {
    universe,
    newCrawler: (options = {}) => new Crawler({ contactUrl: contactUrl(config), demoPort: universe?.port, allowPrivate: options.allowPrivate }),
    close: async () => {
      await universe?.close();
    },
  };
}
