// A small history router: the dashboard has a handful of pages, not enough to justify a framework.

export class Router {
  path = $state(typeof location === 'undefined' ? '/' : location.pathname);
  /** Set after the first in-app navigation, so focus moves only when the user changed page. */
  navigated = $state(false);

  constructor() {
    if (typeof window === 'undefined') return;
    window.addEventListener('popstate', () => {
      this.path = location.pathname;
      this.navigated = true;
    });
  }

  navigate(href: string): void {
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a throwaway parse, never mutated or observed
    const url = new URL(href, location.href);
    history.pushState({}, '', url);
    this.path = url.pathname;
    this.navigated = true;
    if (url.hash) document.getElementById(decodeURIComponent(url.hash.slice(1)))?.scrollIntoView();
    else window.scrollTo(0, 0);
  }

  /** Handles clicks on in-app links; lets the browser handle anchors, new tabs, downloads and the API. */
  handleClick = (event: MouseEvent): void => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const link = (event.target as Element | null)?.closest?.('a');
    if (!link || link.target || link.hasAttribute('download')) return;
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a throwaway parse, never mutated or observed
    const url = new URL(link.href, location.href);
    if (url.origin !== location.origin || url.pathname.startsWith('/api/')) return;
    if (url.pathname === location.pathname && url.hash) return; // same-page anchor (skip links)
    event.preventDefault();
    this.navigate(url.href);
  };
}

export const router = new Router();
