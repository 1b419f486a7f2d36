// A small history router: the dashboard has a handful of pages, not enough to justify a framework.
// The query string is state too: the table's filters live there, so a view can be shared.

export class Router {
  path = $state(typeof location === 'undefined' ? '/' : location.pathname);
  search = $state(typeof location === 'undefined' ? '' : location.search);
  /** Set after the first in-app navigation, so focus moves only when the user changed page. */
  navigated = $state(false);

  constructor() {
    if (typeof window === 'undefined') return;
    window.addEventListener('popstate', () => {
      if (location.pathname !== this.path) this.navigated = true;
      this.path = location.pathname;
      this.search = location.search;
    });
  }

  /** `replace` for a redirect (to the login page and back): Back does not return to the page that sent it. */
  navigate(href: string, { replace = false } = {}): void {
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a throwaway parse, never mutated or observed
    const url = new URL(href, location.href);
    if (replace) history.replaceState({}, '', url);
    else history.pushState({}, '', url);
    this.path = url.pathname;
    this.search = url.search;
    this.navigated = true;
    if (url.hash) document.getElementById(decodeURIComponent(url.hash.slice(1)))?.scrollIntoView();
    else window.scrollTo(0, 0);
  }

  /**
   * Changes the query string of the current page without leaving it (focus stays where it is).
   * `replace` for changes made while typing, so Back does not replay every keystroke.
   */
  setSearch(search: string, { replace = false } = {}): void {
    if (search === this.search) return;
    const url = `${location.pathname}${search}`;
    if (replace) history.replaceState({}, '', url);
    else history.pushState({}, '', url);
    this.search = search;
  }

  /** Handles clicks on in-app links; lets the browser handle anchors, new tabs, downloads and the API. */
  handleClick = (event: MouseEvent): void => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const link = (event.target as Element | null)?.closest?.('a');
    if (!link || link.target || link.hasAttribute('download')) return;
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a throwaway parse, never mutated or observed
    const url = new URL(link.href, location.href);
    if (url.origin !== location.origin || url.pathname.startsWith('/api/')) return;
    if (url.pathname === location.pathname && url.search === location.search && url.hash) return; // same-page anchor (skip links)
    event.preventDefault();
    this.navigate(url.href);
  };
}

export const router = new Router();
