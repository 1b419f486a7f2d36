import type { Evidence } from '../../db/schema/observations.ts';
import type { ValueState } from '../../methodology/types.ts';
import type { BrowserPage } from '../browser.ts';
import type { Visit } from './page.ts';

/** What one check concluded on one procedure, with what it saw. */
export interface CheckResult {
  status: ValueState;
  value?: number | string;
  /**
   * A text reading kept beside a numeric value (or standing alone when no number was read): the
   * accessibility statement's compliance state next to its rate. Stored as the observation's text value.
   */
  label?: string;
  /** Why there is no value, or a flag on it (an expired statement keeps its rate and says so here). */
  reason?: string;
  /** Details worth showing (statement URL, fields found, rule ids…); stored in the evidence too. */
  details?: Record<string, unknown>;
  evidence: Omit<Evidence, 'tool' | 'toolVersion'>;
}

export interface CheckContext {
  visit: Visit;
  /** Present for browser checks: the start page loaded at a phone's width in Chromium. */
  browserPage?: BrowserPage;
  now: Date;
}

/**
 * One check measures one criterion. It throws a FetchError when it cannot see the page; the
 * crawler turns that into a "not measurable" observation with the failure type.
 */
export interface Check {
  name: string;
  criterion: string;
  kind: 'http' | 'browser';
  run(ctx: CheckContext): Promise<CheckResult>;
}
