import type { Check } from './types.ts';

export const mobileCheck: Check = {
  name: 'mobile',
  criterion: 'mobile',
  kind: 'browser',
  async run({ browserPage }) {
    if (!browserPage) throw new Error('mobile check needs a browser page');
    const seen = await browserPage.page.evaluate(() => ({
      viewport: document.querySelector('meta[name="viewport"]')?.getAttribute('content') ?? null,
      scrollWidth: document.documentElement.scrollWidth,
      innerWidth: window.innerWidth,
    }));
    const responsive = seen.viewport !== null && /width\s*=\s*device-width/i.test(seen.viewport);
    const overflow = seen.scrollWidth > seen.innerWidth + 1;
    const reason = !responsive ? 'no_responsive_viewport' : overflow ? 'horizontal_overflow' : undefined;
    return {
      status: 'measured',
      value: responsive && !overflow ? 'Oui' : 'Non',
      reason,
      details: seen,
      evidence: {
        url: browserPage.url,
        finalUrl: browserPage.finalUrl,
        httpStatus: browserPage.status,
        snippet: `viewport: ${seen.viewport ?? 'absent'} ; largeur du contenu ${seen.scrollWidth} px pour ${seen.innerWidth} px`,
        ...seen,
      },
    };
  },
};
