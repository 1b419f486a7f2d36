import { MediaQuery } from 'svelte/reactivity';

/**
 * Screens narrower than 48em (DSFR's "md" breakpoint): tables become cards, filters fold. One
 * query for the whole dashboard, so every page switches at the same width.
 */
export const narrowScreen = new MediaQuery('max-width: 47.99em', false);
