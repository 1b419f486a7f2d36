import { existsSync } from 'node:fs';
import { chromium, type BrowserServer } from 'playwright-core';
import type { TestProject } from 'vitest/node';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../jobs/browser.ts';
import { Universe } from '../../server/universe/server.ts';

// One Chromium and one demo universe for the whole run. Browser tests connect to the Chromium;
// crawler tests share the universe (their browser pages reach it through the crawler, which
// routes the demo host names).

declare module 'vitest' {
  export interface ProvidedContext {
    chromiumWsEndpoint: string;
    universePort: number;
    universeQuarter: string;
  }
}

/** The quarter the shared universe plays: tests that need another start their own. */
export const SHARED_QUARTER = '2026-T3';

let server: BrowserServer | undefined;
let universe: Universe | undefined;

export async function setup(project: TestProject): Promise<void> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}: install Debian's chromium (apt-get install -y chromium) or set CHROMIUM_PATH`);
  }
  // No random outages (tests compare with ground truth) and fast answers.
  universe = await Universe.start({ quarter: SHARED_QUARTER, flaky: false, latencyScale: 0.05 });
  server = await chromium.launchServer({
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
    headless: true,
  });
  project.provide('chromiumWsEndpoint', server.wsEndpoint());
  project.provide('universePort', universe.port);
  project.provide('universeQuarter', SHARED_QUARTER);
}

export async function teardown(): Promise<void> {
  await server?.close();
  await universe?.close();
}
