import type { Check } from './types.ts';
import { onlineCheck } from './online.ts';
import { authCheck } from './auth.ts';
import { handicapCheck } from './handicap.ts';
import { dlnufCheck } from './dlnuf.ts';
import { mobileCheck } from './mobile.ts';
import { a11yCheck } from './a11y.ts';

export type { Check, CheckContext, CheckResult } from './types.ts';

/** Every page check, in the order they run. Probes and the survey pull have their own jobs. */
export const CHECKS: readonly Check[] = [onlineCheck, authCheck, handicapCheck, dlnufCheck, mobileCheck, a11yCheck];

export function checkByName(name: string): Check | undefined {
  return CHECKS.find((c) => c.name === name);
}
