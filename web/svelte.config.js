// Read by vite-plugin-svelte and svelte-check. Components use Svelte 5 runes (the default for Svelte 5 code).
export default {};
