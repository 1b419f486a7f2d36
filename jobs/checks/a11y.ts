import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Check } from './types.ts';

const require = createRequire(import.meta.url);
// Read on first use: every CLI command imports the checks, few run a browser.
let axeSource: string | undefined;
const loadAxe = () => (axeSource ??= readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8'));
export const AXE_VERSION = (require('axe-core/package.json') as { version: string }).version;

interface AxeRule {
  id: string;
  impact: string | null;
  nodes: number;
}

export const a11yCheck: Check = {
  name: 'a11y_auto',
  criterion: 'a11y_auto',
  kind: 'browser',
  async run({ browserPage }) {
    if (!browserPage) throw new Error('a11y_auto check needs a browser page');
    // Evaluated, not injected as a <script>: a site's Content-Security-Policy must not hide its defects.
    await browserPage.page.evaluate(loadAxe());
    const violations = await browserPage.page.evaluate(async () => {
      const axe = (window as unknown as { axe: { run: (ctx: Document, o: object) => Promise<{ violations: { id: string; impact: string | null; nodes: unknown[] }[] }> } }).axe;
      const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] });
      return result.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length }));
    });
    const rules: AxeRule[] = violations;
    const serious = rules.filter((r) => r.impact === 'critical' || r.impact === 'serious');
    const byImpact: Record<string, number> = {};
    for (const r of rules) byImpact[r.impact ?? 'unknown'] = (byImpact[r.impact ?? 'unknown'] ?? 0) + 1;
    return {
      status: 'measured',
      value: serious.length,
      details: { rules: serious.map((r) => r.id), byImpact },
      evidence: {
        url: browserPage.url,
        finalUrl: browserPage.finalUrl,
        httpStatus: browserPage.status,
        snippet: serious.map((r) => `${r.id} (${r.impact}, ${r.nodes})`).join(', ') || 'aucune violation critique ou grave',
        violations: rules,
        byImpact,
        axeVersion: AXE_VERSION,
      },
    };
  },
};
