import { MediaQuery } from 'svelte/reactivity';

const query = new MediaQuery('max-width: 47.99em', false);

/**
 * What the server assumes of the screen while it renders a page: it cannot measure it, so it
 * guesses from the request (a phone's browser says it is one). A wrong guess costs a redraw of
 * the parts that differ once the page is live, nothing else.
 */
export const serverScreen = { narrow: false };

/**
 * Screens narrower than 48em (DSFR's "md" breakpoint): tables become cards, filters fold. One
 * query for the whole dashboard, so every page switches at the same width.
 */
export const narrowScreen = {
  get current(): boolean {
    return import.meta.env.SSR ? serverScreen.narrow : query.current;
  },
};

