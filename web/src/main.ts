// DSFR, the State design system: core and the components this dashboard uses, not the whole kit.
import '@gouvfr/dsfr/dist/core/core.main.min.css';
import '@gouvfr/dsfr/dist/component/link/link.main.min.css';
import '@gouvfr/dsfr/dist/component/notice/notice.main.min.css';
import '@gouvfr/dsfr/dist/component/button/button.main.min.css';
import '@gouvfr/dsfr/dist/component/logo/logo.main.min.css';
import '@gouvfr/dsfr/dist/component/skiplink/skiplink.main.min.css';
import '@gouvfr/dsfr/dist/component/modal/modal.main.min.css';
import '@gouvfr/dsfr/dist/component/navigation/navigation.main.min.css';
import '@gouvfr/dsfr/dist/component/header/header.main.min.css';
import '@gouvfr/dsfr/dist/component/footer/footer.main.min.css';
import '@gouvfr/dsfr/dist/component/table/table.main.min.css';
import '@gouvfr/dsfr/dist/component/badge/badge.main.min.css';
import '@gouvfr/dsfr/dist/component/callout/callout.main.min.css';
import '@gouvfr/dsfr/dist/component/alert/alert.main.min.css';
import '@gouvfr/dsfr/dist/component/breadcrumb/breadcrumb.main.min.css';
import '@gouvfr/dsfr/dist/component/form/form.main.min.css';
import '@gouvfr/dsfr/dist/component/input/input.main.min.css';
import '@gouvfr/dsfr/dist/component/select/select.main.min.css';
import '@gouvfr/dsfr/dist/component/search/search.main.min.css';
import '@gouvfr/dsfr/dist/component/segmented/segmented.main.min.css';
import '@gouvfr/dsfr/dist/component/pagination/pagination.main.min.css';
import './app.css';
import { hydrate, mount } from 'svelte';
import App from './App.svelte';
import { seedAnswers } from './lib/api.ts';
import { PAGES, type Shown } from './lib/pages.ts';
import { matchRoute } from './lib/routes.ts';

// A public page arrives drawn by the server, with the answers it was drawn from: the browser
// takes over that HTML (hydration) without drawing it again. Other pages are drawn here.
const target = document.getElementById('app')!;
const preloaded = document.getElementById('obs-answers');
if (preloaded) {
  seedAnswers(JSON.parse(preloaded.textContent ?? '{}') as Record<string, unknown>);
  const route = matchRoute(location.pathname);
  const Page = (await PAGES[route.name]()).default as unknown as Shown['Page'];
  hydrate(App, { target, props: { initial: { route, Page } } });
} else {
  mount(App, { target });
}

// DSFR's script drives the phone menu only (a modal). It is large and scans the whole page, which
// costs a phone a long pause: it loads at the visitor's first gesture rather than with the page. A
// tap on the menu before it is ready opens the menu once it is.
let dsfr: Promise<unknown> | undefined;
const loadDsfr = () => (dsfr ??= import('./dsfr.ts'));
for (const type of ['pointerdown', 'touchstart', 'keydown'] as const) addEventListener(type, () => void loadDsfr(), { once: true, passive: true, capture: true });

type DsfrApi = (node: Element) => { modal?: { disclose(): void } } | undefined;
const menuOf = (modal: Element) => (window as unknown as { dsfr?: DsfrApi }).dsfr?.(modal)?.modal;

document.addEventListener(
  'click',
  (event) => {
    const button = (event.target as Element | null)?.closest?.('button[aria-controls="menu-principal"][data-fr-opened]');
    const modal = document.getElementById('menu-principal');
    if (!button || !modal || menuOf(modal)) return;
    event.preventDefault();
    event.stopPropagation();
    // DSFR sets its components up over the next frames: open the menu as soon as it has.
    let frames = 0;
    const open = () => {
      const menu = menuOf(modal);
      if (menu) menu.disclose();
      else if (++frames < 120) requestAnimationFrame(open);
    };
    void loadDsfr().then(open);
  },
  { capture: true },
);
